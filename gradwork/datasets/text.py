"""Plain text shipped inside gradwork, for character-level language models.

>>> text = gw.datasets.text.load_text()        # about 50 KB of English: notes on how networks learn
>>> vocabulary = sorted(set(text))
"""
from importlib import resources

TEXTS = {"course_notes": "course_notes.txt"}  # name -> file under gradwork/datasets/data/


def load_text(name: str = "course_notes") -> str:
    """The whole text `name` as one string (UTF-8, lines joined by "\\n").

    course_notes: original notes written for gradwork (plain ASCII English, ~50 KB, simple and
    repetitive vocabulary, so a small model learns words from it in minutes).
    """
    if name not in TEXTS:
        raise ValueError(f"load_text: unknown text {name!r}; expected one of {', '.join(sorted(TEXTS))}")
    return resources.files(__package__).joinpath("data").joinpath(TEXTS[name]).read_text(encoding="utf-8")
