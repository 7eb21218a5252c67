"""The autograd engine: `Function` nodes, the backward walk, grad mode and gradient checking."""
