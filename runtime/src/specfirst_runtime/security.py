"""Security schemes as the runtime checks them: extract a credential, ask the app's verifier, 401 if none.

The generated `security.Security` holds one verifier per scheme of the contract. A verifier receives the
credential and the scopes the operation requires, and returns the caller's identity (any object) or None.
It may raise a generated error (a declared 403) itself. The identity is then available to handlers'
dependencies through :func:`principal`.
"""

from __future__ import annotations

import base64
import binascii
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

TokenVerifier = Callable[[str, Sequence[str]], Any]  # (token or key, required scopes) -> identity | None
BasicVerifier = Callable[[str, str, Sequence[str]], Any]  # (username, password, scopes) -> identity | None


@dataclass(frozen=True, slots=True)
class Scheme:
    """A security scheme of the contract, as the generated code declares it."""

    name: str  # the attribute of the generated Security class
    kind: str  # bearer, basic, api_key, oauth2, openid_connect
    location: str | None = None  # api_key: header, query or cookie
    parameter: str | None = None  # api_key: its name

    @property
    def challenge(self) -> str:
        if self.kind == "basic":
            return 'Basic realm="api"'
        if self.kind == "api_key":
            name = "".join(c for c in (self.parameter or "") if c.isalnum() or c in "-_.")  # header-safe
            return f'APIKey realm="api", {self.location or "header"}="{name}"'
        return 'Bearer realm="api"'

    def credential(self, request: Request) -> str | tuple[str, str] | None:
        """The credential this scheme reads from the request, or None if absent or malformed."""
        if self.kind == "api_key":
            if self.location == "query":
                return request.query_params.get(self.parameter or "")
            if self.location == "cookie":
                return request.cookies.get(self.parameter or "")
            return request.headers.get(self.parameter or "")
        header = request.headers.get("authorization")
        if not header:
            return None
        kind, _, value = header.partition(" ")
        value = value.strip()
        if self.kind == "basic":
            if kind.lower() != "basic" or not value:
                return None
            try:
                user, sep, password = base64.b64decode(value, validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            return (user, password) if sep else None
        if kind.lower() != "bearer" or not value:
            return None
        return value


class InsufficientScope(Exception):
    """Raised by a verifier for a valid credential that lacks a required scope: 403 where declared."""


Requirement = tuple[tuple[str, tuple[str, ...]], ...]  # AND of (scheme name, scopes)


class Authenticator:
    """Checks an operation's requirements (alternatives of AND-groups) against the app's verifiers."""

    def __init__(
        self,
        requirements: Sequence[Requirement],
        schemes: dict[str, Scheme],
        verifiers: dict[str, Callable[..., Any] | None],
    ) -> None:
        self.requirements = tuple(requirements)
        self.schemes = schemes
        self.verifiers = verifiers
        first = requirements[0][0][0] if requirements and requirements[0] else None
        self.challenge = schemes[first].challenge if first else 'Bearer realm="api"'

    async def authenticate(self, request: Request) -> tuple[str, Any] | None:
        """(scheme, identity) of the first alternative that passes, or None.

        If no alternative passes and one of them found a valid credential without the required scope,
        InsufficientScope is raised, so the caller gets 403 rather than 401.
        """
        short_of_scope: InsufficientScope | None = None
        for requirement in self.requirements:
            identity: Any = None
            scheme_name = ""
            for scheme_name, scopes in requirement:
                try:
                    identity = await self._verify(request, scheme_name, scopes)
                except InsufficientScope as exc:
                    short_of_scope, identity = exc, None
                if identity is None:
                    break
            else:
                return scheme_name, identity
        if short_of_scope is not None:
            raise short_of_scope
        return None

    async def _verify(self, request: Request, name: str, scopes: tuple[str, ...]) -> Any:
        scheme = self.schemes[name]
        verifier = self.verifiers.get(name)
        if verifier is None:
            return None
        credential = scheme.credential(request)
        if credential is None:
            return None
        result = (
            verifier(*credential, scopes) if isinstance(credential, tuple) else verifier(credential, scopes)
        )
        if inspect.isawaitable(result):
            result = await result
        return result


def principal(request: Request) -> Any:
    """FastAPI dependency: the identity the operation's security verifier returned (None if public)."""
    return getattr(request.state, "principal", None)
