"""`AdamW`: Adam with decoupled weight decay (Loshchilov & Hutter, 2019)."""

from .adam import Adam
from .base_optimizer import LearningRate


class AdamW(Adam):
    """Adam with decoupled weight decay, on by default.

    Before each Adam step (see `Adam` for the rest), every variable shrinks toward zero:

        w <- w - lr * weight_decay * w
        w <- adam_step(w, g)

    The decay does not go through the gradient, so it is not rescaled by Adam's 1 / sqrt(v) as an
    L2 penalty in the loss would be (PyTorch's `Adam(weight_decay=...)` is that L2 penalty;
    PyTorch's `AdamW` is this). Use `exclude_from_weight_decay` to spare biases or norms.

    Parameters
    ----------
    learning_rate : float, schedule or callable
    weight_decay : float
        Required (None is refused): the decay above.
    beta_1, beta_2, epsilon, amsgrad : as for `Adam`
    name : str
    **kwargs : `clipnorm`, `clipvalue`, `global_clipnorm`, as for every `Optimizer`.
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        name: str = "adamw",
        **kwargs: float | None,
    ):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
        super().__init__(
            learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay=weight_decay, name=name, **kwargs
        )
