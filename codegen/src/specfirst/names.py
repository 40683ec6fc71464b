"""Turning spec names into Python identifiers: readable, stable, valid, and unique where they must be."""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata

# Names a generated module may import or define itself; a model or argument must never shadow them.
RESERVED = frozenset(
    {
        "Annotated",
        "Any",
        "AsyncIterator",
        "Awaitable",
        "BaseModel",
        "ConfigDict",
        "Field",
        "Iterator",
        "Literal",
        "MISSING",
        "Protocol",
        "RootModel",
        "Sequence",
        "TypeAdapter",
        "annotations",
        "datetime",
        "decimal",
        "models",
        "pydantic",
        "rt",
        "typing",
        "uuid",
    }
)
_PY_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    # split camelCase and acronyms: "HTTPServerURL2x" -> HTTP Server URL2x
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", folded)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def snake_case(text: str, *, fallback: str = "value") -> str:
    """`itemId` -> `item_id`; keywords and builtins get a trailing underscore; never empty."""
    words = _ascii_words(text)
    name = "_".join(w.lower() for w in words) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if name in _PY_RESERVED or name in RESERVED:
        name += "_"
    return name


# pydantic.BaseModel's own attributes (2.x and the deprecated 1.x API): a field named like one shadows it,
# which mypy refuses and pydantic warns about. Listed rather than read from pydantic: the generator does not
# import it, and the names must not move with its version.
MODEL_ATTRIBUTES = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "fields",
        "from_orm",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
    }
)

# pydantic's protected namespaces (2.10+): a field starting with one of them draws a UserWarning.
PROTECTED_NAMESPACES = ("model_validate", "model_dump")


def field_name(text: str, *, fallback: str = "value") -> str:
    """`snake_case` for a field of a generated model, never shadowing BaseModel (`schema`, `model_*`)."""
    name = snake_case(text, fallback=fallback)
    if name.startswith(PROTECTED_NAMESPACES):
        return "field_" + name  # pydantic warns of any field starting so, trailing underscore or not
    if name in MODEL_ATTRIBUTES or name.startswith("model_"):
        name += "_"
    return name


def pascal_case(text: str, *, fallback: str = "Model") -> str:
    """`item-list` -> `ItemList`; keeps existing inner capitals (`ItemIn` stays `ItemIn`)."""
    words = _ascii_words(text)
    name = "".join(w[0].upper() + w[1:] for w in words) or fallback
    if name[0].isdigit():
        name = f"{fallback}{name}"
    if name in _PY_RESERVED or name in RESERVED:
        name += "_"
    return name


class NameAllocator:
    """Hands out unique names in one namespace: the first to ask keeps the plain name, later ones `_2`..."""

    def __init__(self, taken: set[str] | frozenset[str] = frozenset()) -> None:
        self._taken: set[str] = set(taken)

    def claim(self, name: str, *, sep: str = "") -> str:
        candidate, n = name, 2
        while candidate in self._taken:
            candidate, n = f"{name}{sep}{n}", n + 1
        self._taken.add(candidate)
        return candidate

    def __contains__(self, name: str) -> bool:
        return name in self._taken
