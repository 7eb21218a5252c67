"""Neural-network kernels: each operation's forward and backward, once, with explicit arguments
(no Keras or PyTorch conventions)."""
