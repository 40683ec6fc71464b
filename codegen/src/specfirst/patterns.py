"""The contract's regular expressions, matched to the engine that will run them.

Pydantic compiles `pattern` with Rust's `regex` crate, which has no look-around and no
back-references; a contract pattern using them (JSON Schema's patterns are ECMA-262 regexes, which
have both) would make the generated module fail at import. Such a pattern is given to Pydantic
compiled by Python's `re` instead (`Field(pattern=re.compile(...))`), which Pydantic then runs with
Python's engine. A pattern neither engine compiles is an error in the contract.
"""

from __future__ import annotations

import ast
import functools
import re
import warnings
from typing import Literal

Engine = Literal["rust", "python"]


@functools.cache
def engine(pattern: str) -> Engine | None:
    """ "rust" when Pydantic's default engine compiles `pattern`, else "python" if `re` does, else None."""
    from pydantic_core import SchemaError, SchemaValidator

    try:
        SchemaValidator({"type": "str", "pattern": pattern})
        return "rust"
    except SchemaError:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `re`'s FutureWarnings on ECMA-style character classes
        try:
            re.compile(pattern)
        except (re.error, OverflowError, RecursionError):
            return None
    return "python"


def field_argument(pattern: str, literal: str) -> str:
    """The `pattern=` argument's value for `Field`: `literal` itself or `re.compile(literal)`."""
    return f"re.compile({literal})" if engine(pattern) == "python" else literal


def python_patterns(source: str) -> str:
    """`source` (a generated module) with each `pattern="..."` argument that Rust's engine refuses
    turned into `pattern=re.compile("...")`, and `import re` added when one was."""
    values = _pattern_values(source)
    if values is not None and not any(engine(value) == "python" for value in values):
        return source  # the usual case, found without parsing the module
    tree = ast.parse(source)
    spans: list[tuple[int, int, int, int]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.keyword)
            and node.arg == "pattern"
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and engine(node.value.value) == "python"
        ):
            value = node.value
            assert value.end_lineno is not None and value.end_col_offset is not None
            spans.append((value.lineno, value.col_offset, value.end_lineno, value.end_col_offset))
    if not spans:
        return source
    lines = [line.encode() for line in source.splitlines(keepends=True)]  # offsets are UTF-8 bytes
    for start_line, start_col, end_line, end_col in sorted(spans, reverse=True):
        first, last = start_line - 1, end_line - 1
        lines[last] = lines[last][:end_col] + b")" + lines[last][end_col:]
        lines[first] = lines[first][:start_col] + b"re.compile(" + lines[first][start_col:]
    text = b"".join(lines).decode()
    future = "from __future__ import annotations\n"
    if future in text:
        return text.replace(future, future + "\nimport re\n", 1)
    return "import re\n" + text


# a one-line string literal given as `pattern=`, as the generators write them
PATTERN_ARGUMENT = re.compile(r"""\bpattern=([rR]?(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))""")


def _pattern_values(source: str) -> list[str] | None:
    """The `pattern=` strings of `source`, or None if one is written in a way not understood here."""
    values = []
    for match in PATTERN_ARGUMENT.finditer(source):
        try:
            value = ast.literal_eval(match.group(1))
        except (ValueError, SyntaxError):
            return None
        if isinstance(value, str):
            values.append(value)
    return values
