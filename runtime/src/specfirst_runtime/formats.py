"""Formats as JSON Schema defines them, where a library is stricter than the contract.

`format: email` means RFC 5321 syntax. Pydantic's EmailStr also refuses the special-use domains
(`example.test`, `localhost`), which are syntactically valid addresses, so a client following the contract
would be refused, and it rewrites the value it accepts (the domain lower-cased). Generated models take
`EmailStr` from here instead: email-validator's syntax check, special-use domains checked as ordinary
ones (nothing of email-validator's or Pydantic's global state is changed), the value kept as it was sent.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

try:  # the `email` extra: only contracts with `format: email` need it
    import email_validator
except ImportError:  # pragma: no cover - depends on the installed extras
    email_validator = None  # type: ignore[assignment]

# `format: uri` / `uri-reference` as patterns of RFC 3986's characters (ASCII, no spaces, %XX escapes):
# the generator writes them into the models (pydantic's AnyUrl would rewrite the value) and checks
# examples and defaults with them.
_URI_CHARS = r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
FORMAT_PATTERNS = {
    "uri": r"^[A-Za-z][A-Za-z0-9+.\-]*:" + _URI_CHARS + "$",
    "uri-reference": "^" + _URI_CHARS + "$",
}


def check_email(value: str) -> str:
    """`value` if it is an email address by RFC 5321's syntax (special-use domains included)."""
    checked = value
    local, at, domain = value.rpartition("@")
    for name in email_validator.SPECIAL_USE_DOMAIN_NAMES:  # read, never changed
        if at and (domain.lower() == name or domain.lower().endswith("." + name)):
            # email-validator refuses these names whatever it is asked; their syntax is an ordinary
            # domain's, so the address is checked with the name swapped for one it accepts
            checked = f"{local}@{domain[: len(domain) - len(name)]}com"
            break
    try:
        email_validator.validate_email(checked, check_deliverability=False, globally_deliverable=False)
    except email_validator.EmailNotValidError as exc:
        raise PydanticCustomError(
            "value_error", "value is not a valid email address: {reason}", {"reason": str(exc)}
        ) from None
    return value


class _Email:
    """The validation and JSON Schema of `EmailStr` (email-validator is needed when a model uses it)."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        if email_validator is None:
            raise ImportError("`format: email` needs email-validator: install specfirst-runtime[email]")
        return core_schema.no_info_after_validator_function(check_email, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "format": "email"}


EmailStr = Annotated[str, _Email()]
