from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError

from generated import ItemsHandlers
from generated.errors import BadRequestError
from generated.models import (
    Currency,
    ItemIn,
    ItemOut,
    ItemPageOut,
    ItemPatch,
    LinkNoteIn,
    LinkNoteOut,
    TextNoteIn,
    TextNoteOut,
)
from generated.responses import AddItemNoteCreated, CreateItemCreated, ListItemsOk

from ..db import AuditLog, DBSession, Item, Note, User, utcnow
from ..problems import conflict, forbidden, not_found, problem, unauthorized
from ..security import Caller, CurrentCaller

SortKey = Literal["name", "-name", "created_at", "-created_at", "price_cents", "-price_cents"]
SORT_COLUMNS = {"name": Item.name, "created_at": Item.created_at, "price_cents": Item.price_cents}


def item_out(item: Item) -> ItemOut:
    out = ItemOut.model_validate(item, from_attributes=True, by_name=True) if item.dimensions else None
    if out is not None:
        return out
    # an item without dimensions leaves the field out (it is optional, not nullable)
    fields = {name: getattr(item, name) for name in ItemOut.model_fields if name != "dimensions"}
    return ItemOut.model_validate(fields)


def owned_item(db: DBSession, item_id: int, caller: Caller) -> Item:
    """The item, if the caller may change it: 404 if there is none, 403 if it is someone else's."""
    item = db.get(Item, item_id)
    if item is None:
        raise not_found(f"Item {item_id}")
    if item.owner_id != caller.user_id and not caller.is_admin:
        raise forbidden("Only the item's owner may change it.")
    return item


class Items(ItemsHandlers):
    def __init__(self, db: DBSession, caller: CurrentCaller, audit: AuditLog) -> None:
        self.db = db
        self.caller = caller
        self.audit = audit

    def list_items(
        self,
        *,
        q: str | None,
        tag: list[str] | None,
        sort: SortKey,
        limit: int,
        offset: int,
        x_request_id: str | None,
    ) -> ListItemsOk:
        filters: list[ColumnElement[bool]] = []
        if q is not None:
            if "\x00" in q:  # PostgreSQL refuses NUL in text, SQLite's LIKE stops at one (matching all)
                raise BadRequestError(problem(400, "Bad Request", "The search text may not hold a NUL."))
            filters.append(func.lower(Item.name).contains(q.lower(), autoescape=True))
        for name in tag or []:
            filters.append(Item.tag_index.contains(f",{name},", autoescape=True))
        column = SORT_COLUMNS[sort.lstrip("-")]
        order = column.desc() if sort.startswith("-") else column.asc()
        total = self.db.scalar(select(func.count()).select_from(Item).where(*filters)) or 0
        rows = self.db.scalars(
            select(Item).where(*filters).order_by(order, Item.id).limit(limit).offset(offset)
        )
        items = [item_out(row) for row in rows]
        next_offset = offset + limit if offset + limit < total else None
        link = None
        if next_offset is not None:
            link = f'</api/v1/items?offset={next_offset}&limit={limit}&sort={sort}>; rel="next"'
        page = ItemPageOut(items=items, total=total, limit=limit, offset=offset, next_offset=next_offset)
        return ListItemsOk(body=page, x_total_count=total, link=link)

    def create_item(self, *, body: ItemIn) -> CreateItemCreated:
        if self.caller.user_id is None:
            raise forbidden("Items are owned by users: use a user's token.")
        if self.db.get(User, self.caller.user_id) is None:  # else the insert's foreign key fails (was a 409)
            raise unauthorized("The token's account no longer exists.")
        if self._name_taken(body.name, self.caller.user_id):
            raise conflict(f"You already have an item named {body.name!r}.")
        item = Item(owner_id=self.caller.user_id, name=body.name, price_cents=body.price_cents)
        self._apply(item, body.model_dump(exclude={"name", "price_cents"}))
        self.db.add(item)
        self._flush_or_conflict(body.name)
        self.audit.record("created", item.id, self.caller.user_id)
        return CreateItemCreated(body=item_out(item), location=f"/api/v1/items/{item.id}")

    def get_item(self, *, item_id: int) -> ItemOut:
        item = self.db.get(Item, item_id)
        if item is None:
            raise not_found(f"Item {item_id}")
        return item_out(item)

    def update_item(self, *, item_id: int, body: ItemPatch) -> ItemOut:
        item = owned_item(self.db, item_id, self.caller)
        changes = body.model_dump()  # fields the client left out are MISSING, and not dumped
        if (
            "name" in changes
            and changes["name"] != item.name
            and self._name_taken(changes["name"], item.owner_id)
        ):
            raise conflict(f"You already have an item named {changes['name']!r}.")
        self._apply(item, changes)
        item.updated_at = utcnow()
        self._flush_or_conflict(item.name)
        self.audit.record("updated", item.id, self.caller.user_id)
        return item_out(item)

    def delete_item(self, *, item_id: int) -> None:
        item = owned_item(self.db, item_id, self.caller)
        self.db.delete(item)
        self.audit.record("deleted", item_id, self.caller.user_id)

    def add_item_note(self, *, item_id: int, body: TextNoteIn | LinkNoteIn) -> AddItemNoteCreated:
        owned_item(self.db, item_id, self.caller)
        note = Note(item_id=item_id, body=body.model_dump(mode="json"))
        self.db.add(note)
        self.db.flush()
        saved: TextNoteOut | LinkNoteOut
        if isinstance(body, TextNoteIn):
            saved = TextNoteOut(id=note.id, kind="text", text=body.text)
        else:
            saved = LinkNoteOut.model_validate({"id": note.id, **note.body})
        return AddItemNoteCreated(body=saved, location=f"/api/v1/items/{item_id}")

    def _name_taken(self, name: str, owner_id: int) -> bool:
        query = select(Item.id).where(Item.owner_id == owner_id, Item.name == name)
        return self.db.scalar(query) is not None

    def _flush_or_conflict(self, name: str) -> None:
        try:
            self.db.flush()
        except IntegrityError:  # a concurrent request took the name between our check and the insert
            raise conflict(f"You already have an item named {name!r}.") from None

    @staticmethod
    def _apply(item: Item, changes: dict[str, object]) -> None:
        for field in ("name", "description", "price_cents"):
            if field in changes:
                setattr(item, field, changes[field])
        if "currency" in changes:
            currency = changes["currency"]
            item.currency = currency.value if isinstance(currency, Currency) else str(currency)
        if "tags" in changes:
            tags = list(dict.fromkeys(str(t) for t in changes["tags"] or []))  # type: ignore[attr-defined]
            item.tags = tags
            item.tag_index = "," + "".join(f"{t}," for t in tags)
        if "dimensions" in changes:
            item.dimensions = changes["dimensions"]  # type: ignore[assignment]
