"""The database: SQLAlchemy 2 tables, the engine, and a transactional session per request.

SQLite (a file under data/) by default, PostgreSQL when DATABASE_URL points at one. A request's writes
commit together after the handler succeeds, or roll back together when it raises. The tables are created
and changed by the migrations in app/migrations/ (see app/schema.py), never by the service at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, ClassVar

from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC, read back timezone-aware: SQLite keeps no zone, the contract wants one."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.astimezone(UTC).replace(tzinfo=None) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class SafeText(TypeDecorator[str]):
    """Text that may hold NUL characters: valid in JSON strings and in the contract, refused by PostgreSQL.

    On PostgreSQL a NUL is stored as the two characters backslash-zero (and a backslash as two), which
    reads back exactly; other databases store the text as it is.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None or dialect.name != "postgresql":
            return value
        return value.replace("\\", "\\\\").replace("\x00", "\\0")

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None or dialect.name != "postgresql" or "\\" not in value:
            return value
        return re.sub(r"\\(\\|0)", lambda m: "\x00" if m.group(1) == "0" else "\\", value)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, str: SafeText}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(unique=True)
    display_name: Mapped[str] = mapped_column()
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="member")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column()
    description: Mapped[str | None] = mapped_column(default=None)
    price_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # ",a,b," beside the JSON list: filtering by tag with LIKE works the same on SQLite and PostgreSQL
    tag_index: Mapped[str] = mapped_column(default=",")
    dimensions: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    caption: Mapped[str | None] = mapped_column(default=None)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Audit:
    """Records a change after the response is sent (a background task with its own transaction)."""

    def __init__(self, request: Request, tasks: BackgroundTasks) -> None:
        self.sessions: sessionmaker[Session] = request.app.state.sessions
        self.tasks = tasks

    def record(self, action: str, item_id: int, actor_id: int | None) -> None:
        self.tasks.add_task(self._write, action, item_id, actor_id)

    def _write(self, action: str, item_id: int, actor_id: int | None) -> None:
        with self.sessions.begin() as session:
            session.add(AuditEntry(action=action, item_id=item_id, actor_id=actor_id))


class AuditEntry(Base):
    """One change, written after the response by a background task; the events feed reads these."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(32))  # created, updated, deleted
    item_id: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)


def make_engine(url: str, busy_timeout: float = 2.0) -> Engine:
    """The engine; `busy_timeout` bounds the wait for a locked SQLite file and for a PostgreSQL connection,
    so a request answers 503 soon rather than hanging while the database is away."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    if url.startswith(("postgresql://", "postgres://")):  # the driver we ship is psycopg 3
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    timeout = max(1, round(busy_timeout))  # libpq takes whole seconds
    return create_engine(
        url, pool_pre_ping=True, pool_timeout=busy_timeout, connect_args={"connect_timeout": timeout}
    )


def get_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: one transaction per request, committed when the handler returns."""
    factory: sessionmaker[Session] = request.app.state.sessions
    with factory.begin() as session:
        yield session


DBSession = Annotated[Session, Depends(get_session)]

AuditLog = Annotated[Audit, Depends(Audit)]
