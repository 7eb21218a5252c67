"""The differentiable operations: each a `Function` with its forward on arrays and its backward in tensors."""
