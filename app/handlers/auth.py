from __future__ import annotations

from sqlalchemy import select

from generated import AuthHandlers
from generated.errors import BadRequestError
from generated.models import Token, TokenRequest
from generated.responses import CreateTokenOk

from ..db import DBSession, User
from ..problems import problem
from ..security import SCOPES, TokenService, verify_password


class Auth(AuthHandlers):
    def __init__(self, db: DBSession, tokens: TokenService) -> None:
        self.db = db
        self.tokens = tokens

    def create_token(self, *, body: TokenRequest) -> CreateTokenOk:
        user = self.db.scalar(select(User).where(User.email == body.username.lower()))
        if not verify_password(body.password, user.password_hash if user else None) or user is None:
            # RFC 6749 5.2: a wrong username or password is `invalid_grant`, answered 400
            raise BadRequestError(problem(400, "invalid_grant", "The email or password is wrong."))
        allowed = set(SCOPES) if user.role == "admin" else {"items:read", "items:write"}
        asked = set(body.scope.split()) if isinstance(body.scope, str) else allowed
        if not asked <= allowed:
            raise BadRequestError(problem(400, "invalid_scope", "A requested scope is not available."))
        scopes = sorted(asked)
        token = self.tokens.issue(user.id, scopes)
        return CreateTokenOk(
            body=Token(
                access_token=token, token_type="bearer", expires_in=self.tokens.ttl, scope=" ".join(scopes)
            ),
            cache_control="no-store",
        )
