"""Uploaded documents (tệp đính kèm): checked by content, stored under generated names.

Only PDF, JPEG and PNG are accepted, recognised by their first bytes (a renamed program is
refused whatever its name says), within `settings.UPLOAD_MAX_BYTES`; a PDF that runs code or
carries other files is refused too (`active_pdf_content`). The stored name is a
random token plus the extension of the detected type: nothing the citizen typed reaches the file
system. Files live in the `dossiers` storage (settings.STORAGES["dossiers"]: the file system under
MEDIA_ROOT by default, outside any public path, or an S3-compatible store; docs/decisions/0029),
are written, opened and deleted only here, and are served only by permission-checked views that
open them with `open_verified`: bytes that no longer match the hash recorded at upload are never
served.
"""
import hashlib
import logging
import re
import tempfile
import unicodedata
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import InvalidInput

logger = logging.getLogger("onestop.uploads")

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
    if content_type == "application/pdf":
        _refuse_active_pdf(upload, name)
    return CheckedFile(upload, name, content_type, size, digest.hexdigest())


# --- active content in PDFs -------------------------------------------------------------------
# A citizen's scan or printout never needs to run code or carry files. Refused (ISO 32000-1):
# JavaScript (/JS, /JavaScript: also what an /OpenAction running a script names), additional
# actions run on opening a page or a field (/AA), launching a program (/Launch), embedded files
# (/EmbeddedFile(s), and /EF, the key a file attachment uses even without them). An /OpenAction
# that merely opens a page stays allowed. The check reads the file's objects as bytes (no PDF
# library at run time): names with #xx escapes (/J#61vaScript) are decoded, strings and comments
# skipped, stream data skipped except object streams (where compressed objects hide), which are
# inflated and read the same way; one that cannot be read (encrypted, an unusual filter) is refused.

SCRIPT_NAMES = frozenset({b"JS", b"JavaScript", b"AA", b"Launch"})
EMBEDDED_NAMES = frozenset({b"EmbeddedFile", b"EmbeddedFiles", b"EF"})
_INFLATE_LIMIT = 32 * 1024 * 1024  # inflated object streams per file: a zip bomb is refused, not expanded
# Hex strings need no skipping: they hold no name, string or comment.
_TOKEN = re.compile(
    rb"/[^\x00\t\n\f\r ()<>\[\]{}/%]*"  # a name
    rb"|\("  # a literal string: skipped by _end_of_string (parentheses nest)
    rb"|%[^\r\n]*"  # a comment (a "(" in it opens no string)
    rb"|(?<![A-Za-z])obj(?![A-Za-z])"  # an object begins: its dictionary follows
    rb"|(?<![A-Za-z])stream(?:\r\n|\n|\r)"  # a stream's data begins
)
_STRING_SPECIAL = re.compile(rb"[()\\]")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_DIRECT_INT = re.compile(rb"\s*(\d+)(?!\d)(?!\s+\d+\s+R)")
_REFERENCE = re.compile(rb"\s*(\d+)\s+(\d+)\s+R")
_INT_OBJECT = re.compile(rb"(?<!\d)(\d+)\s+(\d+)\s+obj\s*(\d+)\s*endobj")
_FILTERS = frozenset({b"FlateDecode", b"Fl", b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85", b"LZWDecode",
                      b"LZW", b"RunLengthDecode", b"RL", b"Crypt", b"DCTDecode", b"JPXDecode", b"JBIG2Decode",
                      b"CCITTFaxDecode"})


class _Unreadable(Exception):
    """An object stream the check cannot read (encrypted, an unusual filter, too large inflated)."""


def _end_of_string(data: bytes, pos: int) -> int:
    """The position after the literal string whose "(" ends at `pos` (balanced, \\-escapes)."""
    depth = 1
    while depth:
        found = _STRING_SPECIAL.search(data, pos)
        if found is None:
            return len(data)
        pos = found.end()
        char = found.group()
        if char == b"\\":
            pos += 1
        else:
            depth += 1 if char == b"(" else -1
    return pos


class _PdfScan:
    def __init__(self, data: bytes):
        self.data = data
        self.budget = _INFLATE_LIMIT
        self._int_objects = None

    def _stream_length(self, at: int) -> int | None:
        """The /Length value after `at`: a direct integer, or the integer object a reference
        names; None when it cannot be told."""
        direct = _DIRECT_INT.match(self.data, at)
        if direct:
            return int(direct.group(1))
        ref = _REFERENCE.match(self.data, at)
        if ref is None:
            return None
        if self._int_objects is None:  # indexed once: a file has thousands of streams
            self._int_objects = {m.group(1, 2): int(m.group(3)) for m in _INT_OBJECT.finditer(self.data)}
        return self._int_objects.get(ref.group(1, 2))

    def _inflate(self, raw: bytes, names: list[bytes]) -> bytes:
        filters = [n for n in names if n in _FILTERS]
        if (b"Filter" in names and filters not in ([b"FlateDecode"], [b"Fl"])) or b"Predictor" in names:
            raise _Unreadable
        if not filters:
            return raw
        try:
            data = zlib.decompressobj().decompress(raw, self.budget + 1)
        except zlib.error:
            raise _Unreadable from None
        self.budget -= len(data)
        if self.budget < 0:
            raise _Unreadable
        return data

    def forbidden(self, data: bytes | None = None, nested: bool = False) -> frozenset | None:
        """The set (SCRIPT_NAMES or EMBEDDED_NAMES) of the first forbidden name, None if none."""
        data = self.data if data is None else data
        pos, names, length = 0, [], None  # the names (and /Length) since the current object began
        while found := _TOKEN.search(data, pos):
            token, pos = found.group(), found.end()
            if token == b"(":
                pos = _end_of_string(data, pos)
            elif token[:1] == b"/":
                name = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), token[1:])
                for kind in (SCRIPT_NAMES, EMBEDDED_NAMES):
                    if name in kind:
                        return kind
                names.append(name)
                if name == b"Length" and not nested:
                    length = self._stream_length(pos)
            elif token == b"obj":
                names, length = [], None
            elif token.startswith(b"stream"):
                # A reader takes /Length bytes, or reads up to "endstream": of the two, the
                # earlier end, and what follows is read as objects, so nothing hides there.
                end = data.find(b"endstream", pos)
                end = len(data) if end < 0 else end
                if length is not None:
                    end = min(end, pos + length)
                if not nested and (b"ObjStm" in names or (b"First" in names and b"N" in names)):
                    inner = self.forbidden(self._inflate(data[pos:end], names), nested=True)
                    if inner:
                        return inner
                pos, names, length = end, [], None
        return None


def active_pdf_content(data: bytes) -> str | None:
    """"script", "embedded" or "unreadable" when a PDF is refused, None when it is plain."""
    try:
        found = _PdfScan(data).forbidden()
    except _Unreadable:
        return "unreadable"
    return {SCRIPT_NAMES: "script", EMBEDDED_NAMES: "embedded"}.get(found)


def _refuse_active_pdf(upload, name: str) -> None:
    upload.seek(0)
    found = active_pdf_content(upload.read())
    upload.seek(0)
    if found == "script":
        raise InvalidInput(_("Tệp “%(name)s” chứa mã lệnh tự chạy (JavaScript, hành động tự động); vì an toàn, "
                             "hệ thống không nhận tệp PDF như vậy. Hãy xuất lại tệp thành PDF thông thường "
                             "rồi gửi lại.") % {"name": name})
    if found == "embedded":
        raise InvalidInput(_("Tệp “%(name)s” có tệp khác đính kèm bên trong; hệ thống không nhận tệp PDF như vậy. "
                             "Hãy gửi riêng từng giấy tờ.") % {"name": name})
    if found == "unreadable":
        raise InvalidInput(_("Tệp “%(name)s” có phần nội dung bị mã hóa hoặc nén theo cách không kiểm tra được; "
                             "hãy xuất lại tệp thành PDF thông thường rồi gửi lại.") % {"name": name})


# --- the storage -----------------------------------------------------------------------------

STORAGE = "dossiers"


def storage():
    """The storage that keeps the dossiers' files (settings.STORAGES["dossiers"])."""
    return storages[STORAGE]


def _checked_name(stored_name: str) -> str:
    """A relative name inside the storage; one that tries to leave the storage's root (absolute,
    "..", a backslash, control characters) is refused whatever the backend (the file system's
    storage refuses an escape once more when it joins the name to its root)."""
    if (not isinstance(stored_name, str) or not stored_name or stored_name.startswith("/") or "\\" in stored_name
            or ".." in stored_name.split("/") or any(ord(c) < 32 for c in stored_name)):
        raise InvalidInput(_("Tệp không hợp lệ."))
    return stored_name


def path_of(stored_name: str) -> Path:
    """Absolute path of a stored file on a file-system storage, refusing anything outside its root."""
    try:
        return Path(storage().path(_checked_name(stored_name)))
    except (SuspiciousFileOperation, NotImplementedError):
        raise InvalidInput(_("Tệp không hợp lệ.")) from None


def new_name(content_type: str, at: datetime) -> str:
    return f"dossiers/{timezone.localtime(at):%Y/%m}/{uuid.uuid4().hex}{SIGNATURES[content_type][1]}"


def _save(name: str, content) -> str:
    backend = storage()
    try:
        saved = backend.save(name, content)
    except BaseException:
        # A partial file is no file. The name is new (a random token), so it is only ours.
        try:
            backend.delete(name)
        except Exception:
            logger.exception("could not remove the partial file %s", name)
        raise
    if saved != name:  # the storage never overwrites: it picked another name, as unique
        _checked_name(saved)
    return saved


def store(checked: CheckedFile, at: datetime) -> str:
    """Write a checked upload under a new generated name and return it (for `services.attach_file`,
    which records the row and the event: nothing else writes here)."""
    checked.upload.seek(0)
    # Wrapped in a plain File: the storage then copies the bytes (never moves the upload's temporary
    # file away) and creates the file exclusively (O_EXCL on the file system).
    return _save(new_name(checked.content_type, at), File(checked.upload))


def store_bytes(data: bytes, content_type: str, at: datetime) -> str:
    """Write a document onestop made (a result) under a new generated name; returns the name."""
    return _save(new_name(content_type, at), ContentFile(data))


def remove(stored_names):
    """Delete stored files whose rows did not commit (the transaction that recorded them failed)."""
    backend = storage()
    for name in stored_names:
        try:
            backend.delete(_checked_name(name))
        except InvalidInput:
            continue


class StoredFileError(Exception):
    """A stored file that cannot be served: missing, or (`tampered`) no longer what was recorded."""

    def __init__(self, tampered: bool = False):
        super().__init__("tampered" if tampered else "missing")
        self.tampered = tampered


_SPOOL_BYTES = 1024 * 1024


def open_verified(dossier_file):
    """The stored bytes of `dossier_file` (a DossierFile) as an open file positioned at 0, read once
    through the storage and checked against the sha256 recorded at upload. Raises StoredFileError:
    missing or unreadable, or tampered (logged: someone changed a stored file)."""
    digest = hashlib.sha256()
    copy = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115 -- handed to the response, which closes it
    try:
        with storage().open(_checked_name(dossier_file.stored_name), "rb") as handle:
            for chunk in iter(lambda: handle.read(64 * 1024), b""):
                digest.update(chunk)
                copy.write(chunk)
    except (InvalidInput, OSError, SuspiciousFileOperation):
        copy.close()
        raise StoredFileError() from None
    if digest.hexdigest() != dossier_file.sha256:
        copy.close()
        logger.error("stored file %s (dossier file %s of dossier %s) does not match its recorded sha256: not served",
                     dossier_file.stored_name, dossier_file.pk, dossier_file.dossier_id)
        raise StoredFileError(tampered=True)
    copy.seek(0)
    return copy


def read_bytes(stored_name: str) -> bytes:
    """The stored bytes as they are (no hash check: for the signature verdict, which reports a
    mismatch itself). Raises StoredFileError when missing."""
    try:
        with storage().open(_checked_name(stored_name), "rb") as handle:
            return handle.read()
    except (InvalidInput, OSError, SuspiciousFileOperation):
        raise StoredFileError() from None
