from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from sqlalchemy import select

from generated import ExportsHandlers

from ..db import DBSession, Item

COLUMNS = ("id", "name", "price_cents", "currency", "owner_id", "tags", "created_at")


class Exports(ExportsHandlers):
    def __init__(self, db: DBSession) -> None:
        self.db = db

    def export_items(self, *, currency: str | None) -> Iterator[str]:
        query = select(Item).order_by(Item.id)
        if currency is not None:
            query = query.where(Item.currency == currency)
        # read now, inside the request's transaction; the stream is written after the handler returns
        rows = [
            (i.id, i.name, i.price_cents, i.currency, i.owner_id, " ".join(i.tags), i.created_at.isoformat())
            for i in self.db.scalars(query)
        ]
        return _csv_lines(rows)


def _csv_lines(rows: Sequence[tuple[object, ...]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in [COLUMNS, *rows]:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
