from __future__ import annotations

from pydantic import MISSING

from generated import FilesHandlers
from generated.models import Attachment as AttachmentOut
from generated.models import ContentType, UploadItemImageBody

from ..db import Attachment, AuditLog, DBSession, utcnow
from ..handlers.items import owned_item
from ..security import CurrentCaller


def declared_type(data: bytes) -> ContentType:
    """The part's media type, which the generated layer already held to the contract's list."""
    sent = getattr(data, "content_type", None)  # the runtime hands files over as UploadedFile
    return ContentType.IMAGE_JPEG if sent == ContentType.IMAGE_JPEG.value else ContentType.IMAGE_PNG


class Files(FilesHandlers):
    def __init__(self, db: DBSession, caller: CurrentCaller, audit: AuditLog) -> None:
        self.db = db
        self.caller = caller
        self.audit = audit

    def upload_item_image(self, *, item_id: int, body: UploadItemImageBody) -> AttachmentOut:
        owned_item(self.db, item_id, self.caller)
        kind = declared_type(body.file)
        caption = body.caption if isinstance(body.caption, str) else None
        attachment = self.db.query(Attachment).filter_by(item_id=item_id).one_or_none()
        if attachment is None:
            attachment = Attachment(item_id=item_id, content_type=kind.value, size=0, data=b"")
            self.db.add(attachment)
        attachment.content_type = kind.value
        attachment.data = body.file
        attachment.size = len(body.file)
        attachment.caption = caption
        attachment.uploaded_at = utcnow()
        self.db.flush()
        self.audit.record("updated", item_id, self.caller.user_id)
        return AttachmentOut(
            item_id=item_id,
            content_type=kind,
            size=attachment.size,
            caption=caption if caption is not None else MISSING,
            uploaded_at=attachment.uploaded_at,
        )
