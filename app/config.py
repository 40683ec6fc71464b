"""Settings from the environment (pydantic-settings): one place for every knob of the service."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path("data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    database_url: str = Field(f"sqlite:///{DATA_DIR}/app.sqlite3", description="SQLAlchemy URL")
    secret_key: SecretStr | None = Field(None, description="JWT signing key; generated if unset")
    secret_key_file: Path = Field(Path(".secret-key"), description="where a generated key is kept")
    jwt_issuer: str = "item-store"
    jwt_audience: str = "item-store-api"
    token_ttl_seconds: int = Field(3600, ge=60, le=86_400)
    api_keys: list[str] = Field(default_factory=list, description="keys accepted in X-API-Key")
    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:3000"])
    max_upload_bytes: int = 1024 * 1024
    database_busy_timeout_seconds: float = Field(
        2.0, gt=0, description="how long a write waits for a locked SQLite file or a PG connection, then 503"
    )
    retry_after_seconds: int = Field(5, ge=1, description="Retry-After of a 503 while the database is away")
    log_level: str = "INFO"
    port: int = 8000

    def signing_key(self) -> str:
        """The JWT key: from the environment, else a random one kept in a git-ignored file."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.secret_key_file
        if not path.exists():
            _publish_new_key(path)
        return path.read_text().strip()


def _publish_new_key(path: Path) -> None:
    """A new key, written whole to a private temporary file, then linked into place: the link fails if
    another worker won the race, and every worker then reads the one complete key that is there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, path)  # atomic, and never replaces an existing key
    except FileExistsError:
        pass  # another worker's key is in place
    finally:
        temporary.unlink(missing_ok=True)


@lru_cache
def get_settings() -> Settings:
    return Settings()
