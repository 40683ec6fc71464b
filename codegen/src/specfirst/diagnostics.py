"""Problems found in a spec, as data with a location.

Every stage (load, validate, parse) reports through a :class:`Diagnostics` collector instead of raising,
so the user sees every problem at once. A stage that cannot go on raises :class:`SpecError` carrying them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """Where something is: a file, a 1-based line and column, and a JSON pointer into that file."""

    file: Path
    line: int
    col: int
    pointer: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.pointer or '/'}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem: a stable code for tests, a one-line message, and where it is."""

    code: str
    message: str
    pointer: str
    severity: Severity = Severity.ERROR
    location: Location | None = None

    def render(self) -> str:
        where = str(self.location) if self.location else (self.pointer or "/")
        # a key in the spec may hold CR, LF or U+2028: one problem must stay one line of the report
        where = "".join(c if c.isprintable() else repr(c)[1:-1] for c in where)
        prefix = "" if self.severity is Severity.ERROR else "warning: "
        line = f"{where}: {prefix}{self.message}"
        readable = readable_pointer(self.pointer)
        if readable:
            line += f" [{''.join(c if c.isprintable() else repr(c)[1:-1] for c in readable)}]"
        return line


@dataclass
class Diagnostics:
    """Collects diagnostics from every stage; `lenient` turns recoverable errors into warnings."""

    lenient: bool = False
    items: list[Diagnostic] = field(default_factory=list)

    def error(
        self,
        code: str,
        pointer: str,
        message: str,
        *,
        recoverable: bool = False,
        location: Location | None = None,
    ) -> None:
        severity = Severity.WARNING if (recoverable and self.lenient) else Severity.ERROR
        self.items.append(Diagnostic(code, one_line(message), pointer, severity, location))

    def warning(self, code: str, pointer: str, message: str) -> None:
        self.items.append(Diagnostic(code, one_line(message), pointer, Severity.WARNING))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise SpecError(self.items)


class SpecError(Exception):
    """The spec cannot be generated from; carries every diagnostic found so far."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.render() for d in diagnostics))


def one_line(text: str, limit: int = 300) -> str:
    """Messages must stay on one line and be short: validators like to paste whole documents."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join("/" + escape_pointer_token(t) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [unescape_pointer_token(t) for t in pointer.lstrip("/").split("/")]


def readable_pointer(pointer: str) -> str:
    """`pointer` as a reader would write it, for pointers whose escapes make them hard to read:
    `/paths/~1items~1{id}/get` -> `paths > /items/{id} > get`; "" when the pointer reads well as it is."""
    if "~" not in pointer:
        return ""
    return " > ".join(split_pointer(pointer))


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """The end of a message suggesting the one of `choices` closest to `word` (a misspelt name), if any."""
    candidates = sorted({c for c in choices if c != word})
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    return f"; did you mean {close[0]!r}?" if close else ""
