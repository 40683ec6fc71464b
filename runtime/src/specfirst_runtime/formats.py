"""Format checks as JSON Schema defines them, where a library is stricter than the contract.

`format: email` means RFC 5321 syntax. email-validator (behind Pydantic's EmailStr) also refuses the
special-use domains (`example.test`, `localhost`), which are syntactically valid addresses: a client
following the contract would be refused. Importing the runtime lifts that one extra rule.
"""

from __future__ import annotations

# `format: uri` / `uri-reference` as patterns of RFC 3986's characters (ASCII, no spaces, %XX escapes):
# the generator writes them into the models (pydantic's AnyUrl would rewrite the value) and checks
# examples and defaults with them.
_URI_CHARS = r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
FORMAT_PATTERNS = {
    "uri": r"^[A-Za-z][A-Za-z0-9+.\-]*:" + _URI_CHARS + "$",
    "uri-reference": "^" + _URI_CHARS + "$",
}

try:  # the `email` extra: only contracts with `format: email` need it
    import email_validator
except ImportError:  # pragma: no cover - depends on the installed extras
    pass
else:
    email_validator.SPECIAL_USE_DOMAIN_NAMES.clear()
