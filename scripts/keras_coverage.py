"""How many of Keras 3's public names gradwork has, per family, and which are missing.

Reads Keras's generated API files (`keras/api/<family>/__init__.py`) from a checkout of
keras-team/keras (no Keras install needed) and looks each exported name up in gradwork's namespace
for that family.

    python scripts/keras_coverage.py /path/to/keras      # a clone of github.com/keras-team/keras
"""
import argparse
import ast
import pathlib

import gradwork as gw

FAMILIES = {
    "layers": (gw.layers, gw.nn), "losses": (gw.losses,), "metrics": (gw.metrics,),
    "activations": (gw.activations,), "callbacks": (gw.callbacks,),
}


def exported_names(api_file: pathlib.Path) -> list[str]:
    """The names an API file exports (each `from ... import X as Y` gives Y)."""
    tree = ast.parse(api_file.read_text())
    return sorted({alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   for alias in node.names})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("keras_source", type=pathlib.Path, help="a checkout of keras-team/keras")
    args = parser.parse_args(argv)
    for family, spaces in FAMILIES.items():
        api_file = args.keras_source / "keras" / "api" / family / "__init__.py"
        if not api_file.is_file():
            parser.error(f"{api_file} not found: give the root of a keras-team/keras checkout")
        names = exported_names(api_file)
        missing = [n for n in names if not any(hasattr(space, n) for space in spaces)]
        print(f"{family}: {len(names) - len(missing)} / {len(names)} present; missing: {', '.join(missing) or 'none'}")


if __name__ == "__main__":
    main()
