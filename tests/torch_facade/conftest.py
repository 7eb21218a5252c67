"""The facade's tests import the helpers of the tests folder above (`tolerances`, ...)."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
