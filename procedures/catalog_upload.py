"""The catalog import from the web (the admin's "Nhập danh mục từ tệp"): the same pipeline as
`manage.py import_catalog` (procedures.catalog_io), in two steps.

1. `stage`: the uploaded file is written to a staging folder under MEDIA_ROOT chunk by chunk (as
   Django streams it in) and checked by a dry run: the import runs in a transaction that is rolled
   back, so the parse report says exactly what the import would create, update and leave unchanged,
   and lists each error with its row and column (or, for the national JSONL, each record's issues).
2. `confirm`: the same file is imported for real (all-or-nothing for CSV/XLSX, as on the command
   line) and the staged copy removed.

A staged file belongs to the account that uploaded it and is swept after `MAX_AGE`.
"""
import datetime as dt
import json
import re
import secrets
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from procedures import catalog_io

STAGING = "catalog-imports"
MAX_AGE = dt.timedelta(days=1)
MAX_SIZE = 50 * 1024 * 1024  # the national catalog as JSONL is a few MB; a file this big is a mistake
SUFFIXES = (".csv", ".xlsx", ".xlsm", ".jsonl", ".jsonl.gz", ".json.gz")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh mục"),
        help_text=_("CSV (UTF-8) hoặc XLSX theo mẫu của hệ thống (docs/catalog-format.md), hoặc tệp JSONL "
                    "xuất từ Cổng Dịch vụ công quốc gia."))
    format = forms.ChoiceField(label=_("Định dạng"), required=False, choices=[
        ("", _("Theo phần mở rộng của tệp")), ("csv", "CSV"), ("xlsx", "XLSX"),
        ("dvcqg", _("JSONL của Cổng Dịch vụ công quốc gia"))])
    create_kinds = forms.BooleanField(
        label=_("Tạo các loại cơ quan còn thiếu"), required=False,
        help_text=_("Chỉ với tệp của Cổng Dịch vụ công quốc gia; nếu không chọn, thủ tục của loại cơ quan chưa "
                    "có được bỏ qua và nêu trong báo cáo."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("Chỉ nhận tệp .csv, .xlsx hoặc .jsonl (.jsonl.gz)."))
        if upload.size > MAX_SIZE:
            raise forms.ValidationError(_("Tệp lớn hơn %(mb)d MB.") % {"mb": MAX_SIZE // (1024 * 1024)})
        return upload


@dataclass
class Staged:
    token: str
    directory: Path
    path: Path
    fmt: str
    name: str
    size: int
    user_id: int
    create_kinds: bool
    report: dict = field(default_factory=dict)


@dataclass
class Outcome:
    errors: list
    counts: dict


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / STAGING


def _suffix(name: str) -> str:
    lowered = name.lower()
    return next(s for s in sorted(SUFFIXES, key=len, reverse=True) if lowered.endswith(s))


def stage(upload, fmt: str, *, create_kinds: bool, user) -> Staged:
    """Write the upload to its own staging folder, run the dry run, and keep its report beside it."""
    _sweep()
    token = secrets.token_urlsafe(18)
    directory = _root() / token
    directory.mkdir(parents=True)
    path = directory / f"catalog{_suffix(upload.name)}"  # the suffix tells the readers .gz from plain
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    fmt = fmt or catalog_io.guess_format(upload.name)
    staged = Staged(token, directory, path, fmt, upload.name, upload.size, user.pk, create_kinds)
    staged.report = dry_run(path, fmt, create_kinds=create_kinds)
    meta = {"name": upload.name, "size": upload.size, "format": fmt, "user": user.pk, "create_kinds": create_kinds,
            "file": path.name, "report": staged.report, "staged_at": timezone.now().isoformat()}
    (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return staged


def load(token: str, *, user) -> Staged | None:
    """The staged upload `token` of this account, or None (unknown, someone else's, or too old)."""
    if not TOKEN.match(token or ""):
        return None
    directory = _root() / token
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("user") != user.pk or _expired(meta):
        return None
    return Staged(token, directory, directory / meta["file"], meta["format"], meta["name"], meta["size"],
                  meta["user"], meta["create_kinds"], meta["report"])


def discard(staged: Staged) -> None:
    shutil.rmtree(staged.directory, ignore_errors=True)


def _sweep() -> None:
    """Remove staged uploads older than MAX_AGE (left when an admin never confirmed)."""
    root = _root()
    if not root.is_dir():
        return
    for directory in root.iterdir():
        try:
            meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # being written, or not ours
        if _expired(meta):
            shutil.rmtree(directory, ignore_errors=True)


def _expired(meta: dict) -> bool:
    """Older than MAX_AGE by the service clock (never file times: the clock is frozen in tests, and the
    product's clock is the one every record uses)."""
    try:
        staged_at = dt.datetime.fromisoformat(meta["staged_at"])
    except (KeyError, TypeError, ValueError):
        return True
    return timezone.now() - staged_at > MAX_AGE


def _error(error: str) -> dict:
    """A catalog_io error as its row, column and reason (a `RowError` carries them; any other text is a
    reason of the whole file)."""
    if isinstance(error, catalog_io.RowError):
        return {"row": error.row, "column": error.column, "reason": error.reason}
    return {"row": None, "column": None, "reason": str(error)}


class _DryRun(Exception):
    """Raised at the end of the dry run to roll everything back."""


def _read_errors() -> tuple:
    from openpyxl.utils.exceptions import InvalidFileException

    # what a damaged or mislabelled file raises while read (UnicodeDecodeError and JSON errors are ValueErrors)
    return OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, InvalidFileException


def dry_run(path, fmt: str, *, create_kinds: bool = False) -> dict:
    """The parse report of a catalog file: what importing it would do, found by importing it in a
    transaction that is then rolled back; nothing is written."""
    report = {"format": fmt, "records": 0, "created": 0, "updated": 0, "unchanged": 0, "errors": [],
              "issues": [], "skipped": [], "missing_kinds": [], "created_kinds": []}
    try:
        with transaction.atomic():
            if fmt == "dvcqg":
                result = catalog_io.import_catalog(path, fmt, create_kinds=create_kinds)
                report.update(records=result.records, skipped=result.skipped, created_kinds=result.created_kinds,
                              missing_kinds=sorted(result.missing_kinds.items()))
                report["issues"] = [{"code": i.code, "field": i.field, "severity": i.severity,
                                     "severity_label": i.severity_label,
                                     "reason": i.reason} for i in result.issues]
            else:
                rows = catalog_io.read_rows(path, fmt)
                report["records"] = len(rows)
                clean, errors = catalog_io.validate(rows)
                if errors:
                    report["errors"] = [_error(m) for m in errors]
                    raise _DryRun
                result = catalog_io.apply(clean)
            report.update(created=result.created, updated=result.updated, unchanged=result.unchanged)
            raise _DryRun
    except _DryRun:
        pass
    except catalog_io.CatalogError as exc:
        report["errors"] = [_error(m) for m in exc.errors]
    except _read_errors() as exc:
        report["errors"] = [{"row": None, "column": None,
                             "reason": gettext("Không đọc được tệp: %(error)s") % {"error": exc}}]
    report["importable"] = not report["errors"]
    return report


def confirm(staged: Staged) -> Outcome:
    """Import the staged file for real; the staged copy is removed once imported."""
    if not staged.report.get("importable"):
        return Outcome(errors=staged.report.get("errors") or [gettext("Tệp không nhập được.")], counts={})
    try:
        result = catalog_io.import_catalog(staged.path, staged.fmt, create_kinds=staged.create_kinds)
    except catalog_io.CatalogError as exc:
        staged.report = dry_run(staged.path, staged.fmt, create_kinds=staged.create_kinds)
        meta_path = staged.directory / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["report"] = staged.report
        meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return Outcome(errors=exc.errors, counts={})
    discard(staged)
    return Outcome(errors=[], counts={"created": result.created, "updated": result.updated,
                                      "unchanged": result.unchanged})
