"""Format checks as JSON Schema defines them, where a library is stricter than the contract.

`format: email` means RFC 5321 syntax. email-validator (behind Pydantic's EmailStr) also refuses the
special-use domains (`example.test`, `localhost`), which are syntactically valid addresses: a client
following the contract would be refused. Importing the runtime lifts that one extra rule.
"""

from __future__ import annotations

import email_validator

email_validator.SPECIAL_USE_DOMAIN_NAMES.clear()
