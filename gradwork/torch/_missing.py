"""The error for a PyTorch name the facade does not have, so a script fails at that name, clearly."""


def missing(module: str, name: str) -> AttributeError:
    """An AttributeError saying that `module.name` exists in PyTorch but not (yet) in the facade.

    Parameters
    ----------
    module : str
        PyTorch's module path, e.g. "torch.nn".
    name : str
        The attribute that was asked for.
    """
    if name.startswith("__"):
        return AttributeError(f"module {module!r} has no attribute {name!r}")
    return AttributeError(
        f"gradwork.torch does not provide {module}.{name}: the facade covers the common part of PyTorch "
        "(see the README's 'PyTorch habits' section); write it with the names it has, or use gradwork directly"
    )
