"""Passwords (pwdlib, argon2) and access tokens (PyJWT, HS256 only, with expiry, issuer and audience)."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from pwdlib import PasswordHash
from specfirst_runtime import InsufficientScope, principal

from .config import Settings

ALGORITHMS = ["HS256"]  # fixed: a token naming any other algorithm (or `none`) is refused
SCOPES = ("items:read", "items:write", "admin")

passwords = PasswordHash.recommended()
# Hashing a fixed password once gives a hash to verify against when the user does not exist, so a
# login with an unknown email takes as long as one with a wrong password.
_DUMMY_HASH = passwords.hash("not a real password")


def hash_password(password: str) -> str:
    return passwords.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        passwords.verify(password, _DUMMY_HASH)
        return False
    return passwords.verify(password, password_hash)


@dataclass(frozen=True)
class Caller:
    """Who is calling: established by a verifier, read by handlers through `CurrentCaller`."""

    user_id: int | None
    scopes: frozenset[str]
    via: str  # "token" or "api_key"

    @property
    def is_admin(self) -> bool:
        return "admin" in self.scopes


class Tokens:
    def __init__(self, settings: Settings) -> None:
        self.key = settings.signing_key()
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.ttl = settings.token_ttl_seconds

    def issue(self, user_id: int, scopes: Sequence[str]) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "scope": " ".join(scopes),
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=self.ttl),
            "iss": self.issuer,
            "aud": self.audience,
        }
        return jwt.encode(claims, self.key, algorithm=ALGORITHMS[0])

    def verify(self, token: str, required_scopes: Sequence[str]) -> Caller | None:
        """The caller a token names; None if it is malformed, expired or tampered (401), and
        InsufficientScope if it lacks a required scope (403)."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
            user_id = int(claims["sub"])
        except (jwt.InvalidTokenError, ValueError, TypeError):
            return None
        scopes = frozenset(str(claims.get("scope", "")).split())
        missing = set(required_scopes) - scopes
        if missing:
            raise InsufficientScope(f"The token lacks the scope {' '.join(sorted(missing))}.")
        return Caller(user_id, scopes, "token")


def current_caller(identity: Annotated[Any, Depends(principal)]) -> Caller:
    """The caller the operation's security established (anonymous on public operations)."""
    if isinstance(identity, Caller):
        return identity
    return Caller(None, frozenset(), "anonymous")


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def api_key_verifier(settings: Settings) -> Callable[[str, Sequence[str]], Caller | None]:
    """Keys from the API_KEYS setting; compared in constant time."""
    keys = [key.encode() for key in settings.api_keys]

    def verify(key: str, required_scopes: Sequence[str]) -> Caller | None:
        given = key.encode()
        if any(hmac.compare_digest(given, known) for known in keys):
            return Caller(None, frozenset({"items:read", "admin"}), "api_key")
        return None

    return verify


def get_tokens(request: Request) -> Tokens:
    tokens: Tokens = request.app.state.tokens
    return tokens


TokenService = Annotated[Tokens, Depends(get_tokens)]
