from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from generated import UsersHandlers
from generated.models import UserIn, UserOut, UserPatchIn
from generated.responses import CreateUserCreated

from ..db import DBSession, User
from ..problems import conflict, forbidden, unauthorized
from ..security import CurrentCaller, hash_password


class Users(UsersHandlers):
    def __init__(self, db: DBSession, caller: CurrentCaller) -> None:
        self.db = db
        self.caller = caller

    def create_user(self, *, body: UserIn) -> CreateUserCreated:
        email = str(body.email).lower()
        if self.db.scalar(select(User.id).where(User.email == email)) is not None:
            raise conflict("An account with this email exists already.")
        user = User(email=email, display_name=body.display_name, password_hash=hash_password(body.password))
        self.db.add(user)
        try:
            self.db.flush()
        except IntegrityError:  # a concurrent sign-up with the same email won the race
            raise conflict("An account with this email exists already.") from None
        return CreateUserCreated(
            body=UserOut.model_validate(user, from_attributes=True), location="/api/v1/users/me"
        )

    def _me(self) -> User:
        if self.caller.user_id is None:
            raise forbidden("This operation needs a user's token, not an API key.")
        user = self.db.get(User, self.caller.user_id)
        if user is None:
            raise unauthorized("The token's account no longer exists.")
        return user

    def get_current_user(self) -> UserOut:
        return UserOut.model_validate(self._me(), from_attributes=True)

    def update_current_user(self, *, body: UserPatchIn) -> UserOut:
        user = self._me()
        if isinstance(body.display_name, str):
            user.display_name = body.display_name
        if isinstance(body.password, str):
            user.password_hash = hash_password(body.password)
        self.db.flush()
        return UserOut.model_validate(user, from_attributes=True)
