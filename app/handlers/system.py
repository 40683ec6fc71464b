from __future__ import annotations

from sqlalchemy import text

from generated import SystemHandlers
from generated.models import Health, Status

from ..db import DBSession


class System(SystemHandlers):
    def __init__(self, db: DBSession) -> None:
        self.db = db

    def get_health(self) -> Health:
        self.db.execute(text("SELECT 1"))
        return Health(status=Status.OK)
