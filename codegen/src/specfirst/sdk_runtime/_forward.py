"""What a server newer than the SDK may send, kept instead of refused.

- `OpenStrEnum` / `OpenIntEnum`: the base of every enum in `models.py`. A value the SDK does not know
  becomes a member of the enum all the same (`Currency("JPY").value == "JPY"`, `Currency("JPY") not in
  Currency`), so a new server value neither fails validation nor loses its type.
- `UnknownVariant`: a variant of a union the SDK does not know (a new `kind` of note). Every field of the
  answer is kept, readable as an attribute and in `model_extra`.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

import pydantic

__all__ = ["OpenIntEnum", "OpenStrEnum", "UnknownVariant"]

# unknown members, by enum class and value: the same value gives the same member (`is` compares them)
_UNKNOWN: dict[tuple[type, object], Any] = {}


class OpenStrEnum(StrEnum):
    """A string enum that takes values it does not list (a newer server's), as extra members."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = _UNKNOWN.get((cls, value))
        if member is None:
            member = str.__new__(cls, value)
            member._name_ = value
            member._value_ = value
            member = _UNKNOWN.setdefault((cls, value), member)
        return member


class OpenIntEnum(IntEnum):
    """An integer enum that takes values it does not list (a newer server's), as extra members."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        member = _UNKNOWN.get((cls, value))
        if member is None:
            member = int.__new__(cls, value)
            member._name_ = f"VALUE_{value}".replace("-", "MINUS_")
            member._value_ = value
            member = _UNKNOWN.setdefault((cls, value), member)
        return member


class UnknownVariant(pydantic.BaseModel):
    """A variant of a union this SDK does not know: every field as the server sent it.

    `note.kind` reads the discriminator; `note.model_extra` holds every field.
    """

    model_config = pydantic.ConfigDict(extra="allow")

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...
