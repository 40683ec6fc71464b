"""The one way a string from the spec enters generated source: as a Python literal, never as raw text.

`py_literal` renders data (str, numbers, lists, dicts) as a Python expression; `docstring` and `comment`
render free text where a literal cannot go, with every character that could end them removed.
"""

from __future__ import annotations

import math
from typing import Any


def py_literal(value: Any) -> str:
    """A Python expression that evaluates to `value` (JSON-like data only)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return 'float("nan")'
        if math.isinf(value):
            return 'float("inf")' if value > 0 else 'float("-inf")'
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, tuple):
        items = [py_literal(v) for v in value]
        return f"({items[0]},)" if len(items) == 1 else "(" + ", ".join(items) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(str(k))}: {py_literal(v)}" for k, v in value.items()) + "}"
    return _string(str(value))


def _string(text: str) -> str:
    # repr() escapes quotes, backslashes, CR, LF and every non-printable character; prefer double quotes
    # as ruff format would, so formatting does not have to rewrite it.
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def docstring(text: str, *, indent: str = "    ", width: int = 100) -> str:
    """Text for inside a triple-quoted docstring: no quotes run, no backslash, no line breaks left alone."""
    cleaned = _printable(str(text)).replace("\\", "/").replace('"', "'")
    if not cleaned:
        return ""
    width -= len(indent) + 3  # the indent and the closing quotes must fit too
    lines: list[str] = []
    current = ""
    for word in cleaned.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return ("\n" + indent).join(lines)


def comment(text: str) -> str:
    """Text safe after `#`: one line, no CR/LF or other line separators Python honours."""
    return _printable(str(text))


def _printable(text: str) -> str:
    """One line of printable characters: every kind of line break and control character folded away."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())
