"""Formats the generator writes as patterns (shared with the runtime, which checks examples with them)."""

from __future__ import annotations

# `format: uri` / `uri-reference` as patterns of RFC 3986's characters (ASCII, no spaces, %XX escapes):
# the generator writes them into the models (pydantic's AnyUrl would rewrite the value), and the mock
# checks examples with them.
_URI_CHARS = r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
FORMAT_PATTERNS = {
    "uri": r"^[A-Za-z][A-Za-z0-9+.\-]*:" + _URI_CHARS + "$",
    "uri-reference": "^" + _URI_CHARS + "$",
}
