from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from sqlalchemy import select

from generated import ExportsHandlers

from ..db import DBSession, Item

COLUMNS = ("id", "name", "price_cents", "currency", "owner_id", "tags", "created_at")
# OWASP's CSV injection guidance: a spreadsheet runs a cell starting with one of these as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: object) -> object:
    """User text that a spreadsheet would read as a formula, prefixed with a single quote (shown as text)."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


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
    # RFC 4180 line ends: a field holding a CR or LF is then quoted, so it cannot break a row
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in [COLUMNS, *rows]:
        writer.writerow([neutralised(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
