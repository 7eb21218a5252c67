"""The facade's tests use the suite's helpers in tests/ (`torch_oracle`, `tolerances`): that folder goes on the path."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
