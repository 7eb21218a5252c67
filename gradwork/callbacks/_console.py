"""Printing helpers shared by the callbacks: messages that do not collide with a live progress bar."""
import sys
import weakref

# Streams on which a progress bar has drawn a line that is not finished with "\n" yet.
_open_lines = weakref.WeakSet()


def _remember(stream, is_open):
    try:
        if is_open:
            _open_lines.add(stream)
        else:
            _open_lines.discard(stream)
    except TypeError:           # a stream type without weak-reference support: not tracked
        pass


def mark_open(stream):
    """Record that `stream` ends in an unfinished progress-bar line."""
    _remember(stream, True)


def mark_closed(stream):
    """Record that `stream`'s last line is complete."""
    _remember(stream, False)


def print_msg(message, stream=None):
    """Write `message` on a line of its own (to `sys.stdout` by default).

    If a progress bar is drawing on the same stream, its line is ended first so the message
    does not land in the middle of it; the bar continues on the next line.
    """
    stream = sys.stdout if stream is None else stream
    try:
        open_line = stream in _open_lines
    except TypeError:
        open_line = False
    if open_line:
        stream.write("\n")
        mark_closed(stream)
    stream.write(message + "\n")
    stream.flush()
