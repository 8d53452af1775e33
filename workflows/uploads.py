"""Uploaded documents (tệp đính kèm): checked by content, stored under generated names.

Only PDF, JPEG and PNG are accepted, recognised by their first bytes (a renamed program is
refused whatever its name says), within `settings.UPLOAD_MAX_BYTES`. The stored name is a
random token plus the extension of the detected type, under MEDIA_ROOT (outside any public
path): nothing the citizen typed reaches the file system. Files are served only by a
permission-checked view.
"""
import hashlib
import os
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import InvalidInput

# content type → (magic bytes at offset 0, stored extension)
SIGNATURES = {
    "application/pdf": (b"%PDF-", ".pdf"),
    "image/jpeg": (b"\xff\xd8\xff", ".jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png"),
}
NAME_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}


@dataclass
class CheckedFile:
    upload: object
    original_name: str
    content_type: str
    size: int
    sha256: str


def _clean_name(name: str) -> str:
    """The name as typed, for display only; refuse names that try to leave their folder."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name or "/" in name or "\\" in name or ".." in name or any(ord(c) < 32 for c in name):
        raise InvalidInput(_("Tên tệp “%(name)s” không hợp lệ.") % {"name": name[:80]})
    return name[:255]


def check(upload) -> CheckedFile:
    """Validate one upload without storing it; InvalidInput with a message when refused."""
    name = _clean_name(getattr(upload, "name", ""))
    if Path(name).suffix.lower() not in NAME_EXTENSIONS:
        raise InvalidInput(_("Tệp “%(name)s”: chỉ chấp nhận tệp PDF, JPEG hoặc PNG.") % {"name": name})
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise InvalidInput(_("Tệp “%(name)s” rỗng.") % {"name": name})
    if upload.size > limit:
        raise InvalidInput(_("Tệp “%(name)s” vượt quá dung lượng cho phép (%(limit)s).")
                           % {"name": name, "limit": filesizeformat(limit)})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = next((ct for ct, (magic, _ext) in SIGNATURES.items() if head.startswith(magic)), None)
    if content_type is None:
        raise InvalidInput(
            _("Tệp “%(name)s” không phải là tệp PDF, JPEG hoặc PNG hợp lệ.") % {"name": name}
        )
    digest, size = hashlib.sha256(), 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    if size > limit:  # the declared size is the client's word; count what arrived
        raise InvalidInput(_("Tệp “%(name)s” vượt quá dung lượng cho phép (%(limit)s).")
                           % {"name": name, "limit": filesizeformat(limit)})
    return CheckedFile(upload, name, content_type, size, digest.hexdigest())


def path_of(stored_name: str) -> Path:
    """Absolute path of a stored file, refusing anything outside MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / stored_name).resolve()
    if root not in path.parents:
        raise InvalidInput(_("Tệp không hợp lệ."))
    return path


def store(checked: CheckedFile, at: datetime) -> str:
    """Write a checked upload under a new generated name and return it (for `services.attach_file`,
    which records the row and the event: nothing else writes here)."""
    ext = SIGNATURES[checked.content_type][1]
    stored_name = f"dossiers/{timezone.localtime(at):%Y/%m}/{uuid.uuid4().hex}{ext}"
    path = path_of(stored_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in checked.upload.chunks():
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)  # a partial file is no file
        raise
    return stored_name


def remove(stored_names):
    """Delete stored files whose rows did not commit (the transaction that recorded them failed)."""
    for name in stored_names:
        path_of(name).unlink(missing_ok=True)
