"""Uploads kept across a validation error of the online submission (tệp đã tải lên, giữ lại).

A citizen who mistyped a phone number should not have to choose every file again. The files that
passed `uploads.check` are kept in a short-lived staging folder under MEDIA_ROOT (outside any
public path, like the dossiers' files), named by a random id; the form carries that id signed,
with the procedure it belongs to and a timestamp, in a hidden field. Nothing is kept in the
session, and nothing at all for a file that was refused.

A batch lives STAGING_SECONDS: the signature expires then, and every new batch first removes the
batches older than that (their creation instant is recorded in the batch, read on the service
clock). A submission that succeeds removes its batch once the dossier's files are written.
"""
import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.utils import timezone

from workflows import uploads
from workflows.errors import InvalidInput

STAGING_SECONDS = 2 * 3600
_SALT = "onestop.portal.staging"
_FOLDER = "staging"
_META = "batch.json"


def _root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve() / _FOLDER


@dataclass
class StagedFile:
    document_id: int
    original_name: str
    content_type: str
    size: int
    path: Path

    def open_checked(self) -> uploads.CheckedFile:
        """The staged file, checked again (cheap, and the staging folder is never trusted)."""
        handle = File(self.path.open("rb"), name=self.original_name)
        try:
            return uploads.check(handle)
        except BaseException:
            handle.close()
            raise


class Batch:
    """One submission form's staged files: {document id: StagedFile}."""

    def __init__(self, batch_id: str, procedure_id: int, files: dict[int, StagedFile] | None = None,
                 created_at: datetime | None = None):
        self.id, self.procedure_id = batch_id, procedure_id
        self.files = files or {}
        self.created_at = created_at

    @property
    def folder(self) -> Path:
        return _root() / self.id

    @property
    def token(self) -> str:
        return signing.TimestampSigner(salt=_SALT).sign(f"{self.procedure_id}:{self.id}") if self.files else ""

    def keep(self, document_id: int, checked: uploads.CheckedFile) -> None:
        """Stage a checked upload for `document_id` (replacing what was staged for it)."""
        if not self.files and not self.folder.exists():
            sweep()
            self.created_at = timezone.now()
            self.folder.mkdir(parents=True, mode=0o750)
            self._save()  # the batch's instant first: a sweep leaves a folder without one alone
        old = self.files.get(document_id)
        ext = uploads.SIGNATURES[checked.content_type][1]
        path = self.folder / f"{document_id}-{uuid.uuid4().hex}{ext}"
        with path.open("xb") as out:
            for chunk in checked.upload.chunks():
                out.write(chunk)
        checked.upload.seek(0)
        self.files[document_id] = StagedFile(document_id, checked.original_name, checked.content_type,
                                             checked.size, path)
        if old is not None:
            old.path.unlink(missing_ok=True)
        self._save()

    def _save(self) -> None:
        meta = {"procedure": self.procedure_id, "created_at": self.created_at.isoformat(),
                "files": {str(k): {"name": f.original_name, "type": f.content_type, "size": f.size,
                                   "file": f.path.name} for k, f in self.files.items()}}
        (self.folder / _META).write_text(json.dumps(meta), encoding="utf-8")

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.files = {}


def new_batch(procedure_id: int) -> Batch:
    return Batch(uuid.uuid4().hex, procedure_id)


def _read_meta(folder: Path) -> dict | None:
    try:
        return json.loads((folder / _META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load(token: str, procedure_id: int) -> Batch:
    """The batch a form's signed token names, or a new empty one (a bad, expired or foreign token)."""
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token or "", max_age=STAGING_SECONDS)
        staged_for, batch_id = value.split(":", 1)
    except (signing.BadSignature, ValueError):
        return new_batch(procedure_id)
    if staged_for != str(procedure_id) or not batch_id.isalnum():
        return new_batch(procedure_id)
    folder = _root() / batch_id
    meta = _read_meta(folder)
    if meta is None:
        return new_batch(procedure_id)
    files = {}
    for key, info in meta.get("files", {}).items():
        path = folder / Path(info["file"]).name
        if path.is_file():
            files[int(key)] = StagedFile(int(key), info["name"], info["type"], info["size"], path)
    created = datetime.fromisoformat(meta["created_at"]) if meta.get("created_at") else timezone.now()
    return Batch(batch_id, procedure_id, files, created)


def sweep() -> int:
    """Remove batches older than STAGING_SECONDS (or unreadable); returns how many."""
    root = _root()
    if not root.is_dir():
        return 0
    now, removed = timezone.now(), 0
    for folder in root.iterdir():
        meta = _read_meta(folder) if folder.is_dir() else None
        if meta is None:  # being created this instant (or not a batch): left alone
            continue
        try:
            created = datetime.fromisoformat(meta["created_at"])
        except (KeyError, TypeError, ValueError):
            created = None
        if created is None or (now - created).total_seconds() > STAGING_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def checked_or_none(staged: StagedFile) -> uploads.CheckedFile | None:
    try:
        return staged.open_checked()
    except (InvalidInput, OSError):
        return None
