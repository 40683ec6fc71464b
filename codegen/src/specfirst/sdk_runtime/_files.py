"""File uploads: what a multipart file field accepts, turned into what httpx2 sends.

A file is `bytes`, a `pathlib.Path` (read when the call is made), an open binary file object, or a tuple
`(filename, content)` / `(filename, content, content_type)`. The content type comes from the tuple, else
the file name's extension, else the first bytes (PNG, JPEG, GIF, WebP, PDF), else the contract's declared
type when it declares exactly one. Content is read into memory once, so a retried upload sends it again.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Sequence
from pathlib import PurePath
from typing import IO, TypeAlias

__all__ = ["FileContent", "FileInput", "is_file_input", "to_file_tuple"]

FileContent: TypeAlias = bytes | bytearray | memoryview | PurePath | IO[bytes]
FileInput: TypeAlias = (
    FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
)

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


def is_file_input(value: object) -> bool:
    if isinstance(value, bytes | bytearray | memoryview | PurePath):
        return True
    if isinstance(value, tuple) and len(value) in (2, 3):
        return is_file_input(value[1])
    return hasattr(value, "read")


def _read(content: FileContent) -> tuple[bytes, str | None]:
    if isinstance(content, PurePath):
        with open(content, "rb") as handle:
            return handle.read(), content.name
    if isinstance(content, bytes | bytearray | memoryview):
        return bytes(content), None
    data = content.read()
    name = getattr(content, "name", None)
    raw = data.encode() if isinstance(data, str) else bytes(data)
    return raw, os.path.basename(name) if isinstance(name, str) else None


def _sniff(data: bytes) -> str | None:
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def to_file_tuple(field: str, value: FileInput, declared: Sequence[str] = ()) -> tuple[str, bytes, str]:
    """(filename, content, content type) for one multipart file field."""
    filename: str | None = None
    content_type: str | None = None
    if isinstance(value, tuple):
        filename = value[0]
        content = value[1]
        if len(value) == 3:
            content_type = value[2]
    else:
        content = value
    data, found_name = _read(content)
    filename = filename or found_name or field
    if content_type is None:
        guessed = mimetypes.guess_type(filename)[0] if "." in filename else None
        content_type = guessed or _sniff(data)
    if content_type is None:
        content_type = declared[0] if len(declared) == 1 else "application/octet-stream"
    return filename, data, content_type
