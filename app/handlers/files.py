from __future__ import annotations

from generated import FilesHandlers
from generated.errors import UnsupportedMediaTypeError
from generated.models import Attachment as AttachmentOut
from generated.models import ContentType, UploadItemImageBody

from ..db import Attachment, AuditLog, DBSession, utcnow
from ..handlers.items import owned_item
from ..problems import problem
from ..security import CurrentCaller

# The part's declared type is checked by the generated layer; the bytes must agree with it.
SIGNATURES = {b"\x89PNG\r\n\x1a\n": ContentType.IMAGE_PNG, b"\xff\xd8\xff": ContentType.IMAGE_JPEG}


def sniff(data: bytes) -> ContentType | None:
    return next((kind for magic, kind in SIGNATURES.items() if data.startswith(magic)), None)


class Files(FilesHandlers):
    def __init__(self, db: DBSession, caller: CurrentCaller, audit: AuditLog) -> None:
        self.db = db
        self.caller = caller
        self.audit = audit

    def upload_item_image(self, *, item_id: int, body: UploadItemImageBody) -> AttachmentOut:
        owned_item(self.db, item_id, self.caller)
        kind = sniff(body.file)
        if kind is None:
            raise UnsupportedMediaTypeError(
                problem(415, "Unsupported Media Type", "The file is neither a PNG nor a JPEG image.")
            )
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
        return AttachmentOut.model_validate(attachment, from_attributes=True)
