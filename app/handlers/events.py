from __future__ import annotations

from collections.abc import Iterator

from specfirst_runtime import ServerSentEvent
from sqlalchemy import select

from generated import EventsHandlers
from generated.models import ItemEvent

from ..db import AuditEntry, DBSession


class Events(EventsHandlers):
    def __init__(self, db: DBSession) -> None:
        self.db = db

    def stream_events(self, *, limit: int, last_seen: str | None) -> Iterator[ServerSentEvent]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if last_seen is not None:
            # the cookie may hold up to 18 digits; ids are 32-bit, so clamp before comparing
            query = query.where(AuditEntry.id > min(int(last_seen), 2**31 - 1))
        entries = list(self.db.scalars(query))[::-1]  # the newest `limit`, oldest first
        events = [
            ItemEvent.model_validate({"id": str(e.id), "type": e.action, "item_id": e.item_id, "at": e.at})
            for e in entries
        ]
        return (ServerSentEvent(event.model_dump(mode="json"), event="item", id=event.id) for event in events)
