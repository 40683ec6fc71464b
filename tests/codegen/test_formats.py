"""The runtime's formats: contract syntax, and no other library's global state changed."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import BaseModel, ValidationError
from specfirst_runtime.formats import EmailStr


class Account(BaseModel):
    email: EmailStr


@pytest.mark.parametrize(
    "address", ["ann@example.com", "ann@example.test", "root@localhost", "Ann@EXAMPLE.com"]
)
def test_any_rfc_5321_address_is_accepted_as_sent(address: str) -> None:
    assert Account(email=address).email == address  # pydantic's EmailStr lower-cases the domain


@pytest.mark.parametrize(
    "address", ["", "ann", "ann@", "@example.com", "ann@@example.com", "ann@exa mple.com"]
)
def test_what_is_no_address_is_refused(address: str) -> None:
    with pytest.raises(ValidationError, match="value is not a valid email address"):
        Account(email=address)


def test_the_json_schema_says_email() -> None:
    assert Account.model_json_schema()["properties"]["email"] == {
        "format": "email",
        "title": "Email",
        "type": "string",
    }


def test_no_global_state_of_another_library_changes() -> None:
    # in a fresh interpreter: pydantic's own EmailStr still refuses a special-use domain after the
    # runtime (and a generated package's models) are imported, and email-validator's lists are intact
    code = """
import email_validator, jsonschema
def state():
    return set(email_validator.SPECIAL_USE_DOMAIN_NAMES), set(jsonschema.FormatChecker.checkers)
before = state()
import specfirst_runtime, specfirst_runtime.formats, generated.models, specfirst.formats
specfirst.formats.format_checker()
generated.models.UserIn(email="ann@example.test", password="a-long-password", display_name="Ann")
after = state()
assert before == after, "changed"
from pydantic import BaseModel, EmailStr, ValidationError
class M(BaseModel):
    e: EmailStr
try:
    M(e="ann@example.test")
except ValidationError:
    print("refused")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "refused"
