"""Import and export of the procedure catalog (danh mục thủ tục hành chính).

One procedure a row, in CSV or XLSX (the columns are in `COLUMNS`, documented in
docs/catalog-format.md), or the national portal's JSONL records (`procedures.dvcqg`).
The pipeline is `read_rows` → `validate` → `apply`:

- `validate` checks every row against the catalog in memory (a handful of queries in all)
  and returns clean rows plus errors (`RowError`: "Dòng N, cột X: lý do", in the active language,
  with the row, column and reason kept beside the text);
- `apply` upserts by version key (code, valid_from) in one transaction with bulk queries,
  leaving unchanged rows untouched, so re-importing a file changes nothing.

A row is one version of a procedure (docs/decisions/0009-procedure-versions.md): a code may
have several rows when their validity periods [valid_from, valid_to) do not overlap.

CSV/XLSX imports are all-or-nothing; the national format skips records it cannot read
unless `strict` (see `import_catalog`).
"""
import csv
import datetime as dt
import io
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from procedures import dvcqg
from procedures.models import (
    AgencyKind,
    CompetenceBasis,
    DocumentForm,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureStep,
    RequiredDocument,
    StepRole,
    SupplementClockRule,
    TimeLimitUnit,
    UnitLevel,
    periods_overlap,
)

NAME_MAX = Procedure._meta.get_field("name").max_length

COLUMNS = [
    "code", "name", "field_code", "field_name", "level", "competent_agency_kind",
    "time_limit_value", "time_limit_unit", "time_limit_difficult_value", "fee_amount", "fee_note", "legal_basis",
    "result_document", "online_level", "is_one_stop", "is_interlinked", "supplement_clock_rule",
    "publishing_decision", "source_url", "valid_from", "valid_to", "documents", "steps",
    "boundless_receipt", "competence_basis", "supplement_days",
]
REQUIRED_COLUMNS = COLUMNS[:8]  # the rest default when the column is absent

# Procedure attributes compared to decide whether a row changed.
SCALARS = [
    "name", "field_id", "level_id", "competent_agency_kind_id", "time_limit_value", "time_limit_unit",
    "time_limit_difficult_value", "fee_amount", "fee_note", "legal_basis", "result_document", "online_level",
    "is_one_stop", "is_interlinked", "supplement_clock_rule", "publishing_decision", "source_url", "valid_from",
    "valid_to", "boundless_receipt", "competence_basis", "supplement_days",
]
# What the national file cannot know: kept on procedures that already exist (see dvcqg rules).
LOCAL_SETTINGS = {"online_level", "is_one_stop", "supplement_clock_rule", "valid_from", "valid_to", "steps",
                  "time_limit_difficult_value", "boundless_receipt", "competence_basis", "supplement_days"}
# The province's own list (NĐ 118/2025 Art. 14) and supplement time, added to the format later: a file
# without these columns leaves them as they are on existing procedures (new ones take the defaults).
PROVINCE_LIST_COLUMNS = ("boundless_receipt", "competence_basis", "supplement_days")
SUPPLEMENT_DAYS_MAX = 365

_VALUELESS_UNITS = (TimeLimitUnit.SAME_DAY, TimeLimitUnit.UNSPECIFIED)  # an empty value means 0
_TRUE, _FALSE = {"1", "true", "yes", "có"}, {"0", "false", "no", "không"}


class RowError(str):
    """One problem of a file: its text for the reader, in the language active when it was made,
    with the row (the header is row 1), the column (as the header spells it, or None) and the
    reason kept beside it, so nothing downstream parses the text."""

    row: int
    column: str | None
    reason: str

    def __new__(cls, row: int, column: str | None, reason: str):
        if column:
            text = _("Dòng %(row)s, cột %(column)s: %(reason)s") % {"row": row, "column": column, "reason": reason}
        else:
            text = _("Dòng %(row)s: %(reason)s") % {"row": row, "reason": reason}
        error = super().__new__(cls, text)
        error.row, error.column, error.reason = row, column, reason
        return error

    def __reduce__(self):  # pickled with its parts (the text is rebuilt, in the then active language)
        return RowError, (self.row, self.column, self.reason)


class CatalogError(Exception):
    """The file cannot be imported; `errors` holds one message per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class CatalogRow:
    """A validated row: the procedure's values, its field, documents and steps."""

    number: int  # the spreadsheet row (the header is row 1)
    code: str
    values: dict  # Procedure attributes except field_id (the field may not exist yet)
    field_code: str
    field_name: str
    documents: list[tuple]  # (name, copies, form, is_mandatory)
    steps: list[tuple]  # (name, unit_offset, agency_kind_id, role, share_percent, duration_value, duration_unit)
    keep: set = field(default_factory=set)  # attributes an existing procedure keeps

    @property
    def updates_open_version(self) -> bool:
        """A row that keeps the validity (a national record has none) updates the open version."""
        return "valid_from" in self.keep


def _match(row: CatalogRow, versions: list):
    """The existing version a row updates, or None: the one with its valid_from (or the open one)."""
    if row.updates_open_version:
        return next((v for v in versions if v.valid_to is None), None)
    return next((v for v in versions if v.valid_from == row.values["valid_from"]), None)


def _day(date: dt.date) -> str:
    return date.strftime("%d/%m/%Y")


def _period(start: dt.date | None, end: dt.date | None) -> str:
    """A validity period [start, end) in words: valid_to is the first day no longer in force."""
    if start and end:
        return _("từ %(start)s đến trước %(end)s") % {"start": _day(start), "end": _day(end)}
    if start:
        return _("từ %(start)s, không thời hạn") % {"start": _day(start)}
    if end:
        return _("đến trước %(end)s") % {"end": _day(end)}
    return _("không giới hạn thời gian")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    issues: list = field(default_factory=list)  # dvcqg.Issue, the national format's report
    records: int = 0
    clean: int = 0
    skipped: list[str] = field(default_factory=list)  # dvcqg codes not imported
    missing_kinds: Counter = field(default_factory=Counter)
    created_kinds: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return _("Đã tạo %(created)s, cập nhật %(updated)s, không đổi %(unchanged)s") % {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged}


# --- Reading -----------------------------------------------------------------------------


def guess_format(path) -> str:
    name = str(path).lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".json.gz")):
        return "dvcqg"
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    return "csv"


def _cell(value) -> str:
    """A spreadsheet cell as the CSV text it stands for."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(path, fmt: str | None = None) -> list[dict]:
    """The rows of a CSV (UTF-8, BOM tolerated) or XLSX (first sheet) file as dicts of strings."""
    fmt = fmt or guess_format(path)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            table = [[_cell(v) for v in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    elif fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            table = list(csv.reader(fh))
    else:
        raise ValueError(f"read_rows reads csv or xlsx, not {fmt}")
    return rows_from_table(table)


def rows_from_table(table: list[list[str]]) -> list[dict]:
    """Dicts keyed by the header row; blank lines dropped. Missing required columns raise."""
    if not table:
        raise CatalogError([RowError(1, None, _("tệp rỗng (cần có dòng tiêu đề)"))])
    header = [h.strip().lower().lstrip("\ufeff") for h in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CatalogError([RowError(1, c, _("không có trong dòng tiêu đề")) for c in missing])
    absent = {c for c in PROVINCE_LIST_COLUMNS if c not in header}
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        row = {h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h in COLUMNS}
        row["_row"] = number
        if absent:
            row["_keep"] = set(absent)
        rows.append(row)
    return rows


# --- Validation --------------------------------------------------------------------------


class _RowErrors(list):
    def add(self, number, column, reason):
        self.append(RowError(number, column, reason))

    def in_row_order(self) -> list[RowError]:
        return sorted(self, key=lambda error: error.row)  # stable: a row's errors keep their column order


def _quoted(text: str) -> str:
    return f"“{text}”"


def _integer(text: str, label: str) -> int:
    """A whole number written with ASCII digits; the reason names `label` (int()'s own message is English)."""
    text = text.strip()
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(_("%(label)s “%(value)s” không phải số nguyên") % {"label": label, "value": text})
    return int(text)


def _decimal(text: str) -> Decimal:
    value = Decimal(text.strip().replace(",", "."))
    if not value.is_finite():
        raise InvalidOperation
    return value


def _boolean(text: str, default: bool) -> bool:
    text = text.strip().lower()
    if not text:
        return default
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_("“%(value)s” không phải 1/0 (true/false, có/không)") % {"value": text})


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text.strip()) if text.strip() else None


def _choice(text: str, choices, default=None) -> str:
    text = text.strip()
    if not text and default is not None:
        return default
    if text not in choices.values:
        raise ValueError(_("“%(value)s” không phải một trong các giá trị %(choices)s")
                         % {"value": text, "choices": "|".join(choices.values)})
    return text


def _supplement_days(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= SUPPLEMENT_DAYS_MAX:
        raise ValueError(_("“%(value)s” không phải số ngày làm việc nguyên từ 1 đến %(max)s (thời hạn bổ sung "
                           "hồ sơ); để trống nếu không có") % {"value": text, "max": SUPPLEMENT_DAYS_MAX})
    return int(text)


def _documents(text: str, number: int, errors: _RowErrors) -> list[tuple]:
    docs = []
    for line in filter(None, (ln.strip() for ln in text.splitlines())):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > 4 or not parts[0]:
            errors.add(number, "documents", _("“%(line)s” không đúng dạng “tên | số bản | hình thức | bắt buộc”")
                       % {"line": line[:60]})
            continue
        parts += ["1", DocumentForm.ORIGINAL, "1"][len(parts) - 1:]
        try:
            copies = _integer(parts[1], _("số bản"))
            if not 0 <= copies <= 32767:
                raise ValueError(_("số bản %(value)s không nằm trong khoảng 0–32767") % {"value": copies})
            form = _choice(parts[2], DocumentForm)
            mandatory = _boolean(parts[3], True)
        except ValueError as exc:
            errors.add(number, "documents", f"{_quoted(parts[0][:40])}: {exc}")
            continue
        docs.append((parts[0], copies, form, mandatory))
    return docs


# A step's own time from the internal process: "0.5 working_days", "4 working_hours" (or "0,5 ngày", "4 giờ").
DURATION_UNITS = {"working_days": "working_days", "ngày": "working_days", "ngày làm việc": "working_days",
                  "working_hours": "working_hours", "giờ": "working_hours", "giờ làm việc": "working_hours"}


def _duration(text: str) -> tuple[Decimal | None, str]:
    text = text.strip()
    if not text:
        return None, ""
    value, _sp, unit = text.partition(" ")
    unit = DURATION_UNITS.get(unit.strip().lower())
    if unit is None:
        raise ValueError(_("thời gian “%(value)s” không đúng dạng “<số> working_days” hoặc “<số> working_hours” "
                           "(hay “<số> ngày”, “<số> giờ”)") % {"value": text[:30]})
    try:
        amount = _decimal(value)
    except InvalidOperation:
        raise ValueError(_("thời gian “%(value)s” không phải là số") % {"value": value}) from None
    if amount < 0 or amount.as_tuple().exponent < -2 or amount >= 10000:
        raise ValueError(_("thời gian %(value)s không nằm trong khoảng 0–9999, tối đa 2 chữ số thập phân")
                         % {"value": number_format(amount)})
    return amount, unit


def _steps(text: str, number: int, errors: _RowErrors, kinds: dict) -> list[tuple]:
    steps, total = [], Decimal(0)
    for line in filter(None, (ln.strip() for ln in text.splitlines())):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 5:
            parts.append("")
        if len(parts) != 6 or not parts[0]:
            errors.add(number, "steps", _("“%(line)s” không đúng dạng “tên | unit_offset | agency_kind_code | role "
                                          "| share_percent [| thời gian]”") % {"line": line[:60]})
            continue
        name, offset, kind, role, share, duration = parts
        try:
            if len(name) > 255:
                raise ValueError(_("tên dài quá 255 ký tự"))
            offset = _integer(offset, "unit_offset")
            if not 0 <= offset <= 32767:
                raise ValueError(_("unit_offset %(value)s không nằm trong khoảng 0–32767") % {"value": offset})
            if kind not in kinds:
                raise ValueError(_("không có loại cơ quan “%(kind)s”") % {"kind": kind})
            role = _choice(role, StepRole)
            try:
                share = _decimal(share)
            except InvalidOperation:
                raise ValueError(_("share_percent “%(value)s” không phải là số") % {"value": share}) from None
            if not 0 <= share <= 100 or share.as_tuple().exponent < -2:
                raise ValueError(_("share_percent %(value)s không nằm trong khoảng 0–100, tối đa 2 chữ số thập phân")
                                 % {"value": number_format(share)})
            duration_value, duration_unit = _duration(duration)
        except ValueError as exc:
            errors.add(number, "steps", f"{_quoted(name[:40])}: {exc}")
            continue
        total += share
        steps.append((name, offset, kinds[kind], role, share, duration_value, duration_unit))
    if total > 100:
        errors.add(number, "steps", _("tổng share_percent là %(total)s%%, vượt quá 100%%")
                   % {"total": number_format(total)})
    return steps


def validate(rows: list[dict]) -> tuple[list[CatalogRow], list[str]]:
    """Check every row; (clean rows, errors). The catalog is read once into memory."""
    levels = dict(UnitLevel.objects.values_list("code", "id"))
    kinds = dict(AgencyKind.objects.values_list("code", "id"))
    field_names = dict(Field.objects.values_list("code", "name"))
    codes_by_field_name = {name: code for code, name in field_names.items()}
    url = URLValidator()
    clean, errors = [], _RowErrors()
    dated = []  # rows with a valid code and period, bad or not: each takes its period in the version check
    file_fields = {}  # field_code → (name, row)
    for row in rows:
        n, before, values = row.get("_row", 0), len(errors), {}

        def get(column, row=row):
            return (row.get(column) or "").strip()

        code = get("code")
        if not code or len(code) > 40:
            errors.add(n, "code", _("bắt buộc, tối đa %(max)s ký tự") % {"max": 40})
        values["name"] = get("name")
        if not values["name"] or len(values["name"]) > NAME_MAX:
            errors.add(n, "name", _("bắt buộc, tối đa %(max)s ký tự") % {"max": NAME_MAX})
        field_code, field_name = get("field_code"), get("field_name")
        if not field_code or len(field_code) > 40:
            errors.add(n, "field_code", _("bắt buộc, tối đa %(max)s ký tự") % {"max": 40})
        elif len(field_name) > 255 or (not field_name and field_code not in field_names):
            errors.add(n, "field_name", _("bắt buộc với lĩnh vực mới, tối đa 255 ký tự"))
        else:
            field_name = field_name or field_names[field_code]
            owner = codes_by_field_name.get(field_name)
            earlier = file_fields.get(field_code)
            if owner not in (None, field_code):
                errors.add(n, "field_name", _("“%(name)s” là tên của lĩnh vực “%(owner)s”")
                           % {"name": field_name, "owner": owner})
            elif earlier and earlier[0] != field_name:
                errors.add(n, "field_name", _("lĩnh vực “%(code)s” đã có tên “%(name)s” ở dòng %(row)s")
                           % {"code": field_code, "name": earlier[0], "row": earlier[1]})
            elif any(c != field_code and name == field_name for c, (name, _r) in file_fields.items()):
                errors.add(n, "field_name", _("“%(name)s” đã là tên của một field_code khác trong tệp này")
                           % {"name": field_name})
            file_fields.setdefault(field_code, (field_name, n))
        if get("level") not in levels:
            errors.add(n, "level", _("không có cấp hành chính “%(level)s”") % {"level": get("level")})
        values["level_id"] = levels.get(get("level"))
        if get("competent_agency_kind") not in kinds:
            errors.add(n, "competent_agency_kind",
                       _("không có loại cơ quan “%(kind)s”") % {"kind": get("competent_agency_kind")})
        values["competent_agency_kind_id"] = kinds.get(get("competent_agency_kind"))
        try:
            values["time_limit_unit"] = _choice(get("time_limit_unit"), TimeLimitUnit)
        except ValueError as exc:
            errors.add(n, "time_limit_unit", str(exc))
        raw = raw_limit = get("time_limit_value")
        try:
            if not raw and values.get("time_limit_unit") not in _VALUELESS_UNITS:
                raise ValueError(_("bắt buộc với đơn vị này"))
            value = _decimal(raw) if raw else Decimal(0)
            if not 0 <= value < 100000 or value.as_tuple().exponent < -1:
                raise ValueError(_("“%(value)s” không nằm trong khoảng 0–99999,9, tối đa một chữ số thập phân")
                                 % {"value": raw})
            values["time_limit_value"] = value
        except ValueError as exc:
            errors.add(n, "time_limit_value", str(exc))
        except InvalidOperation:
            errors.add(n, "time_limit_value", _("“%(value)s” không phải là số") % {"value": raw})
        raw, values["time_limit_difficult_value"] = get("time_limit_difficult_value"), None
        try:
            if raw:
                value = _decimal(raw)
                if not 0 <= value < 100000 or value.as_tuple().exponent < -1:
                    raise ValueError(_("“%(value)s” không nằm trong khoảng 0–99999,9, tối đa một chữ số thập phân")
                                 % {"value": raw})
                if values.get("time_limit_unit") in _VALUELESS_UNITS:
                    raise ValueError(_("thời hạn dài hơn cần đơn vị tính bằng số, không phải “%(unit)s”")
                                     % {"unit": values["time_limit_unit"]})
                if "time_limit_value" in values and value <= values["time_limit_value"]:
                    raise ValueError(_("%(value)s không dài hơn “time_limit_value” (%(base)s)")
                                     % {"value": raw, "base": raw_limit})
                values["time_limit_difficult_value"] = value
        except ValueError as exc:
            errors.add(n, "time_limit_difficult_value", str(exc))
        except InvalidOperation:
            errors.add(n, "time_limit_difficult_value", _("“%(value)s” không phải là số") % {"value": raw})
        raw, values["fee_amount"] = get("fee_amount"), None
        if re.fullmatch(r"\d+|\d{1,3}([.,]\d{3})+", raw):  # "50000", "50.000" or "50,000"
            values["fee_amount"] = int(re.sub(r"[.,]", "", raw))
        elif raw:
            errors.add(n, "fee_amount", _("“%(value)s” không phải số tiền (đồng) nguyên") % {"value": raw})
        for column in ("fee_note", "legal_basis", "result_document"):
            values[column] = get(column)
        for column, choices, default in (("online_level", OnlineLevel, OnlineLevel.NONE),
                                         ("supplement_clock_rule", SupplementClockRule,
                                          SupplementClockRule.RESTART)):
            try:
                values[column] = _choice(get(column), choices, default)
            except ValueError as exc:
                errors.add(n, column, str(exc))
        for column, default in (("is_one_stop", True), ("is_interlinked", False), ("boundless_receipt", False)):
            try:
                values[column] = _boolean(get(column), default)
            except ValueError as exc:
                errors.add(n, column, str(exc))
        try:
            values["competence_basis"] = _choice(get("competence_basis"), CompetenceBasis, CompetenceBasis.RESIDENCE)
        except ValueError as exc:
            errors.add(n, "competence_basis", _("%(reason)s (residence: nơi cư trú của người yêu cầu; "
                                                "location: nơi có đất, tài sản, đối tượng của thủ tục)")
                       % {"reason": exc})
        try:
            values["supplement_days"] = _supplement_days(get("supplement_days"))
        except ValueError as exc:
            errors.add(n, "supplement_days", str(exc))
        values["publishing_decision"] = get("publishing_decision")
        if len(values["publishing_decision"]) > 200:
            errors.add(n, "publishing_decision", _("tối đa %(max)s ký tự") % {"max": 200})
        values["source_url"] = get("source_url")
        if values["source_url"]:
            try:
                url(values["source_url"])
                if len(values["source_url"]) > 500:
                    raise ValidationError("too long")
            except ValidationError:
                errors.add(n, "source_url", _("“%(value)s” không phải địa chỉ URL (tối đa 500 ký tự)")
                           % {"value": values["source_url"][:60]})
        for column in ("valid_from", "valid_to"):
            try:
                values[column] = _date(get(column))
            except ValueError:
                errors.add(n, column, _("“%(value)s” không phải ngày dạng năm-tháng-ngày (YYYY-MM-DD)")
                           % {"value": get(column)})
        period_ok = "valid_from" in values and "valid_to" in values
        if period_ok and values["valid_from"] and values["valid_to"] and values["valid_to"] <= values["valid_from"]:
            errors.add(n, "valid_to", _("phải sau “valid_from”"))
            period_ok = False
        documents = _documents(row.get("documents") or "", n, errors)
        steps = _steps(row.get("steps") or "", n, errors, kinds)
        parsed = CatalogRow(n, code, values, field_code, field_name, documents, steps, set(row.get("_keep", ())))
        if len(errors) == before:
            clean.append(parsed)
        if period_ok and code and len(code) <= 40:
            dated.append(parsed)
    conflicting = _check_versions(dated, errors)
    return [row for row in clean if row.number not in conflicting], errors.in_row_order()


def _check_versions(rows: list[CatalogRow], errors: _RowErrors) -> set[int]:
    """Keep the versions of each code disjoint, within the file and with the catalog's other versions.

    A row's period is its own, except for a row that updates the open version and keeps its dates.
    Returns the numbers of the rows in conflict, each given a row error.
    """
    existing = _grouped(Procedure.objects.filter(code__in={row.code for row in rows})
                        .only("pk", "code", "valid_from", "valid_to"), "code")
    by_code: dict[str, list[CatalogRow]] = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)
    bad = set()
    for code, group in by_code.items():
        versions, placed, matched = existing.get(code, []), [], set()
        for row in group:
            version = _match(row, versions)
            if version is None and row.updates_open_version and versions:
                last = max(v.valid_to for v in versions)
                errors.add(row.number, "valid_to",
                           _("mọi phiên bản của “%(code)s” đã hết hiệu lực (phiên bản cuối hết hiệu lực từ %(last)s); "
                             "bản ghi không có ngày để bắt đầu phiên bản mới") % {"code": code, "last": _day(last)})
                bad.add(row.number)
                continue
            start, end = ((version.valid_from, version.valid_to) if version and row.updates_open_version
                          else (row.values["valid_from"], row.values["valid_to"]))
            earlier = next((p for p in placed if periods_overlap(p[1], p[2], start, end)), None)
            if earlier:
                errors.add(row.number, "code",
                           _("“%(code)s” đã có ở dòng %(row)s với thời gian hiệu lực chồng lấn: %(first)s và "
                             "%(second)s")
                           % {"code": code, "row": earlier[0].number, "first": _period(*earlier[1:]),
                              "second": _period(start, end)})
                bad.add(row.number)
                continue
            placed.append((row, start, end))
            if version is not None:
                matched.add(version.pk)
        for row, start, end in placed:
            clash = next((v for v in versions
                          if v.pk not in matched and periods_overlap(v.valid_from, v.valid_to, start, end)), None)
            if clash is not None:
                errors.add(row.number, "valid_from",
                           _("hiệu lực %(period)s chồng lấn phiên bản của “%(code)s” có hiệu lực %(other)s, phiên bản "
                             "này không có trong tệp") % {"period": _period(start, end), "code": code,
                                                         "other": _period(clash.valid_from, clash.valid_to)})
                bad.add(row.number)
    return bad


# --- Applying ----------------------------------------------------------------------------


def _ensure_fields(clean: list[CatalogRow]) -> dict[str, int]:
    """Create missing fields and rename changed ones; field_code → id."""
    wanted = {row.field_code: row.field_name for row in clean}
    existing = Field.objects.in_bulk(list(wanted), field_name="code")
    Field.objects.bulk_create([Field(code=c, name=n) for c, n in wanted.items() if c not in existing])
    renamed = [f for c, f in existing.items() if f.name != wanted[c]]
    for f in renamed:
        f.name = wanted[f.code]
    Field.objects.bulk_update(renamed, ["name"])
    return dict(Field.objects.filter(code__in=list(wanted)).values_list("code", "id"))


def _grouped(queryset, key: str) -> dict[int, list]:
    groups: dict[int, list] = {}
    for obj in queryset:
        groups.setdefault(getattr(obj, key), []).append(obj)
    return groups


def apply(clean: list[CatalogRow]) -> ImportResult:
    """Upsert the rows by version in one transaction; rows whose values are unchanged are not written.

    A row updates the version of its code with its valid_from (a row keeping the validity: the
    open version), else creates one. `validate` has checked that the periods stay disjoint.
    """
    result = ImportResult()
    with transaction.atomic():
        field_ids = _ensure_fields(clean)
        existing = _grouped(Procedure.objects.filter(code__in={row.code for row in clean}), "code")
        new, changed, touched, targets = [], [], set(), []  # targets: (row, its procedure)
        for row in clean:
            values = {**row.values, "field_id": field_ids[row.field_code]}
            proc = _match(row, existing.get(row.code, []))
            if proc is None:
                proc = Procedure(code=row.code, **values)
                new.append(proc)
                targets.append((row, proc))
                continue
            targets.append((row, proc))
            diff = [k for k in SCALARS if k not in row.keep and getattr(proc, k) != values[k]]
            for k in diff:
                setattr(proc, k, values[k])
            if diff:
                changed.append(proc)
                touched.add(proc.pk)
        # Updates first: one of them may close the open version a new row succeeds
        # (one open version per code is a database constraint).
        Procedure.objects.bulk_update(changed, SCALARS, batch_size=500)
        Procedure.objects.bulk_create(new)
        if any(p.pk is None for p in new):  # a backend that does not return ids from bulk inserts
            ids = {(c, start): pk for pk, c, start in Procedure.objects.filter(code__in={p.code for p in new})
                   .values_list("pk", "code", "valid_from")}
            for p in new:
                p.pk = ids[(p.code, p.valid_from)]
        created = {p.pk for p in new}
        pks = [proc.pk for _row, proc in targets]
        old_docs = _grouped(RequiredDocument.objects.filter(procedure_id__in=pks), "procedure_id")
        old_steps = _grouped(ProcedureStep.objects.filter(procedure_id__in=pks), "procedure_id")
        docs_of, steps_of, add_docs, add_steps = set(), set(), [], []
        for row, proc in targets:
            pk = proc.pk
            current = [(d.name, d.copies, d.form, d.is_mandatory) for d in old_docs.get(pk, [])]
            if current != row.documents:
                docs_of.add(pk)
                touched.add(pk)
                add_docs += [RequiredDocument(procedure_id=pk, order=i, name=name, copies=copies, form=form,
                                              is_mandatory=mandatory)
                             for i, (name, copies, form, mandatory) in enumerate(row.documents, start=1)]
            current = [(s.name, s.unit_offset, s.agency_kind_id, s.role, s.share_percent, s.duration_value,
                        s.duration_unit) for s in old_steps.get(pk, [])]
            keep_steps = "steps" in row.keep and pk not in created
            if current != row.steps and not keep_steps:
                steps_of.add(pk)
                touched.add(pk)
                add_steps += [ProcedureStep(procedure_id=pk, order=i, name=name, unit_offset=offset,
                                            agency_kind_id=kind, role=role, share_percent=share,
                                            duration_value=value, duration_unit=unit)
                              for i, (name, offset, kind, role, share, value, unit) in enumerate(row.steps, start=1)]
        RequiredDocument.objects.filter(procedure_id__in=docs_of).delete()
        ProcedureStep.objects.filter(procedure_id__in=steps_of).delete()
        RequiredDocument.objects.bulk_create(add_docs, batch_size=500)
        ProcedureStep.objects.bulk_create(add_steps, batch_size=500)
    result.created = len(new)
    result.updated = len(touched - created)
    result.unchanged = len(clean) - result.created - result.updated
    return result


# --- The whole import ------------------------------------------------------------------------


def _dvcqg_rows(path, result: ImportResult, create_kinds: bool) -> list[dict]:
    """Convert the national records to rows, reporting as it goes (`result.issues`)."""
    names_to_codes = {name: code for code, name in Field.objects.values_list("code", "name")}
    rows = []
    for number, record in enumerate(dvcqg.read_records(path), start=1):
        result.records += 1
        row, issues = dvcqg.convert(record)
        result.issues += issues
        if row is None:
            continue
        # An existing field with this name keeps its code (the demo catalog may use its own codes).
        row["field_code"] = names_to_codes.get(row["field_name"], row["field_code"])
        row["_row"] = number
        row["_keep"] = LOCAL_SETTINGS | ({"time_limit_value", "time_limit_unit"}
                                         if row["time_limit_unit"] == TimeLimitUnit.UNSPECIFIED else set())
        rows.append(row)
    known = set(AgencyKind.objects.values_list("code", flat=True))
    missing = Counter(r["competent_agency_kind"] for r in rows if r["competent_agency_kind"] not in known)
    if missing and create_kinds:
        AgencyKind.objects.bulk_create([AgencyKind(code=c, name=dvcqg.KIND_NAMES.get(c, c)) for c in missing])
        result.created_kinds = sorted(missing)
    elif missing:
        result.missing_kinds = missing
        for row in rows:
            if row["competent_agency_kind"] in missing:
                result.issues.append(dvcqg.Issue(
                    row["code"], "co_quan_co_tham_quyen", dvcqg.ERROR,
                    _("chưa có loại cơ quan “%(kind)s” (chọn tạo các loại cơ quan còn thiếu, --create-kinds): bỏ qua")
                    % {"kind": row["competent_agency_kind"]}, missing_kind=True))
        rows = [row for row in rows if row["competent_agency_kind"] not in missing]
    return rows


def import_catalog(path, fmt: str | None = None, *, strict: bool = False,
                   create_kinds: bool = False) -> ImportResult:
    """Import a catalog file; raises CatalogError (and writes nothing) when it must not be applied.

    CSV/XLSX: all-or-nothing. dvcqg: records that cannot be parsed or validated are skipped
    and reported in `result.issues` (severity "error"); with `strict`, any such record stops
    the whole import.
    """
    fmt = fmt or guess_format(path)
    result = ImportResult()
    if fmt != "dvcqg":
        clean, errors = validate(read_rows(path, fmt))
        if errors:
            raise CatalogError(errors)
        applied = apply(clean)
        applied.records = applied.clean = len(clean)
        return applied
    with transaction.atomic():  # kinds created for a strict import that fails are rolled back
        rows = _dvcqg_rows(path, result, create_kinds)
        clean, errors = validate(rows)
        code_of = {r["_row"]: r["code"] for r in rows}
        for error in errors:
            result.issues.append(dvcqg.Issue(code_of[error.row], error.column, dvcqg.ERROR,
                                             _("%(reason)s: bỏ qua") % {"reason": error.reason}))
        # Clean = nothing to check by hand; a missing agency kind is the database's state, not the record's.
        bad = {i.code for i in result.issues if i.severity != dvcqg.INFO and not i.missing_kind}
        result.clean = result.records - len(bad)
        result.skipped = sorted({i.code for i in result.issues if i.severity == dvcqg.ERROR})
        if strict and result.skipped:
            raise CatalogError([str(i) for i in result.issues if i.severity == dvcqg.ERROR])
        applied = apply(clean)
    result.created, result.updated, result.unchanged = applied.created, applied.updated, applied.unchanged
    return result


def write_report(issues, target) -> None:
    """The parse report as CSV: code, field, severity, reason."""
    with _text_target(target) as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "field", "severity", "reason"])
        writer.writerows([i.code, i.field, i.severity, i.reason] for i in issues)


# --- Export ------------------------------------------------------------------------------


@contextmanager
def _text_target(target):
    """A path (opened for writing as UTF-8) or an open text stream (left open)."""
    if isinstance(target, str | Path):
        with open(target, "w", encoding="utf-8", newline="") as fh:
            yield fh
    else:
        yield target


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _step_duration(step) -> str:
    return "" if step.duration_value is None else f" | {_number(step.duration_value)} {step.duration_unit}"


def _one_line(text: str) -> str:
    """Document and step names live in one "|"-separated line: the only lossy spot of export."""
    return re.sub(r"\s+", " ", text.replace("|", "/")).strip()


def export_rows() -> list[list[str]]:
    """The catalog as CSV rows (header first): every version, ordered by code and valid_from."""
    procedures = (Procedure.objects.select_related("field", "level", "competent_agency_kind")
                  .prefetch_related("documents", "steps__agency_kind")
                  .order_by("code", F("valid_from").asc(nulls_first=True)))
    table = [COLUMNS]
    for p in procedures:
        documents = "\n".join(f"{_one_line(d.name)} | {d.copies} | {d.form} | {int(d.is_mandatory)}"
                              for d in p.documents.all())
        steps = "\n".join(f"{_one_line(s.name)} | {s.unit_offset} | {s.agency_kind.code} | {s.role} | "
                          f"{_number(s.share_percent)}"
                          + _step_duration(s) for s in p.steps.all())
        table.append([
            p.code, p.name, p.field.code, p.field.name, p.level.code, p.competent_agency_kind.code,
            _number(p.time_limit_value), p.time_limit_unit,
            "" if p.time_limit_difficult_value is None else _number(p.time_limit_difficult_value),
            "" if p.fee_amount is None else str(p.fee_amount),
            p.fee_note, p.legal_basis, p.result_document, p.online_level, str(int(p.is_one_stop)),
            str(int(p.is_interlinked)), p.supplement_clock_rule, p.publishing_decision, p.source_url,
            p.valid_from.isoformat() if p.valid_from else "", p.valid_to.isoformat() if p.valid_to else "",
            documents, steps, str(int(p.boundless_receipt)), p.competence_basis,
            "" if p.supplement_days is None else str(p.supplement_days),
        ])
    return table


def export_csv(target) -> int:
    """Write the catalog as CSV to a path or a text stream; returns the number of procedures."""
    table = export_rows()
    with _text_target(target) as fh:
        csv.writer(fh).writerows(table)
    return len(table) - 1


def export_csv_text() -> str:
    buffer = io.StringIO()
    export_csv(buffer)
    return buffer.getvalue()
