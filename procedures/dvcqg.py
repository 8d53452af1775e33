"""Reading the national public-service portal's records (Cổng Dịch vụ công quốc gia, DVCQG).

The portal publishes each procedure as web tables that the scrape flattened into run-together
text. `convert(record)` turns one JSON record into a catalog row in the CSV format of
`procedures.catalog_io` (plain strings, same columns) plus a list of `Issue`s saying what was
inferred, guessed or could not be read. The rules are documented in docs/catalog-format.md;
every rule that guesses reports it, so nothing is imported silently as a guess.

The reasons are made in the active language (gettext, Vietnamese by default) when the record is
read; quoted values are the record's own text.
"""
import dataclasses
import gzip
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

INFO, WARNING, ERROR = "info", "warning", "error"
# What the reader sees for each severity (the codes stay in the CSV report, as its identifiers).
SEVERITY_LABELS = {ERROR: gettext_lazy("Lỗi"), WARNING: gettext_lazy("Cảnh báo"), INFO: gettext_lazy("Ghi chú")}

# Agency kinds the mapping can produce, with the names given when `--create-kinds` creates them.
KIND_NAMES = {
    "people_committee": "Ủy ban nhân dân",
    "police": "Công an",
    "justice": "Tư pháp",
    "land_registration": "Văn phòng đăng ký đất đai",
    "agriculture": "Nông nghiệp",
    "natural_resources": "Tài nguyên và Môi trường",
    "construction": "Xây dựng",
    "finance_planning": "Tài chính",
    "tax": "Cơ quan thuế",
    "customs": "Hải quan",
    "treasury": "Kho bạc Nhà nước",
    "state_bank": "Ngân hàng Nhà nước",
    "social_insurance": "Bảo hiểm xã hội",
    "civil_judgment": "Thi hành án dân sự",
    "court": "Tòa án nhân dân",
    "economic_zone_board": "Ban quản lý khu công nghiệp, khu kinh tế",
    "port_authority": "Cảng vụ",
    "vehicle_inspection": "Đăng kiểm",
    "labour_social": "Lao động – Thương binh và Xã hội",
}

# Keyword → kind, tried in order on each named agency (lower-cased): specific before generic.
_KIND_KEYWORDS = [
    ("đăng ký đất đai", "land_registration"),
    ("quản lý đất đai", "natural_resources"),
    ("công an", "police"), ("cảnh sát", "police"), ("xuất nhập cảnh", "police"),
    ("cục chính sách", "police"),
    ("hải quan", "customs"),
    ("kho bạc", "treasury"),
    ("thuế", "tax"),
    ("ngân hàng nhà nước", "state_bank"),
    ("bảo hiểm xã hội", "social_insurance"), ("bhxh", "social_insurance"),
    ("thi hành án", "civil_judgment"),
    ("tòa án", "court"), ("toà án", "court"),
    ("ban quản lý khu", "economic_zone_board"), ("ban quản lý các khu", "economic_zone_board"),
    ("cảng vụ", "port_authority"),
    ("đăng kiểm", "vehicle_inspection"),
    ("tư pháp", "justice"), ("trợ giúp pháp lý", "justice"), ("hộ tịch", "justice"),
    ("công chứng", "justice"),
    ("xây dựng", "construction"), ("giao thông", "construction"), ("đường bộ", "construction"),
    ("đường sắt", "construction"), ("hàng hải", "construction"), ("đường thủy", "construction"),
    ("nông nghiệp", "agriculture_env"), ("môi trường", "agriculture_env"),
    ("kiểm lâm", "agriculture_env"), ("lâm nghiệp", "agriculture_env"),
    ("thủy sản", "agriculture_env"), ("thú y", "agriculture_env"),
    ("trồng trọt", "agriculture_env"), ("chăn nuôi", "agriculture_env"),
    ("tài chính", "finance_planning"), ("dự trữ", "finance_planning"),
    ("ủy ban nhân dân", "people_committee"), ("uỷ ban nhân dân", "people_committee"),
    ("ubnd", "people_committee"), ("hội đồng nhân dân", "people_committee"),
    ("hành chính công", "people_committee"),
    ("nội vụ", "labour_social"), ("lao động", "labour_social"), ("thi đua", "labour_social"),
]
# Central bodies (ministries, departments, "… Việt Nam"): used only when no local agency is named,
# because the catalog describes what the province and communes do.
_CENTRAL = re.compile(r"^(bộ(?! phận)|cục|thủ tướng|chính phủ|chủ tịch nước)\b|- bộ|việt nam")

# Fallback when the record names no agency: by the ministry folder, the field and the level.
_FIELD_KINDS = {"Thuế": "tax", "Hải quan": "customs", "Kho bạc Nhà nước": "treasury",
                "Đất đai": "land_registration"}
# Since 7/2025 one department (Sở Nông nghiệp và Môi trường) does both; the catalog keeps the two
# kinds of the demo province (agriculture, natural_resources) and the field decides.
_ENVIRONMENT_FIELDS = {"Đất đai", "Môi trường", "Tài nguyên nước", "Địa chất và khoáng sản", "Biển và hải đảo",
                       "Khí tượng, thủy văn", "Biến đổi khí hậu", "Đo đạc, bản đồ và thông tin địa lý",
                       "Tài chính đất đai", "Bảo tồn thiên nhiên và Đa dạng sinh học"}
_MINISTRY_KINDS = {
    "bo-cong-an": "police", "bo-tu-phap": "justice", "bo-tai-chinh": "finance_planning",
    "bo-nong-nghiep-mt": "agriculture_env", "bo-xay-dung": "construction",
    "ngan-hang-nha-nuoc": "state_bank", "toa-an-nhan-dan": "court",
}

LEVELS = {"Cấp xã": "commune", "Cấp tỉnh": "province"}  # lowest first: the receiving level wins
_LEVEL_WORDS = {code: label.lower() for label, code in LEVELS.items()}  # "commune" → "cấp xã"

DEFAULT_STEPS = "Thẩm định hồ sơ | 0 | {kind} | specialist | 70\nPhê duyệt kết quả | 0 | {kind} | leader | 30"

NO_INFO = "Không có thông tin"
NAME_LIMIT = 1500  # Procedure.name max_length


@dataclass(frozen=True)
class Issue:
    """One line of the parse report: a record, the source field, how serious, and why."""

    code: str
    field: str
    severity: str
    reason: str
    # The record's agency kind is missing from the database: its state, not the record's fault.
    missing_kind: bool = dataclasses.field(default=False, compare=False)

    @property
    def severity_label(self) -> str:
        return str(SEVERITY_LABELS.get(self.severity, self.severity))

    def __str__(self):
        return f"{self.code}: {self.field}: {self.reason}"


def read_records(path) -> Iterator[dict]:
    """The records of a .jsonl or .jsonl.gz file, one JSON object a line."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _clean(text: str) -> str:
    """NFC, no non-breaking spaces, whitespace collapsed, and no "|" (the CSV cell separator)."""
    text = unicodedata.normalize("NFC", text or "").replace("\xa0", " ").replace("|", "/")
    return re.sub(r"\s+", " ", text).strip()


def slug(name: str, max_length: int = 40) -> str:
    """An ASCII code for a field name; đ has no decomposition, so it is mapped by hand."""
    text = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > max_length:  # a hash keeps long names distinct after the cut
        digest = hashlib.sha1(text.encode()).hexdigest()[:8]
        text = f"{text[:max_length - 9].rstrip('-')}-{digest}"
    return text


# --- Channels: time limit and fee (cach_thuc_thuc_hien) ----------------------------------

_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_IN_PERSON = "Trực tiếp"
# A channel cell is glued to its time cell; the same words in prose are followed by a space.
_CHANNEL = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=[^\s,.;:)])")
_TIME = re.compile(
    r"(?P<value>\d+(?:[.,]\d+)?) (?P<unit>Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tuần|Tháng|Năm|Phút)"
)
_CURRENCY = r"(?:Việt Nam Đồng|VNĐ|Đồng|đồng|USD)"
_AMOUNT = re.compile(rf"(?P<amount>\d[\d.,]*) ?(?P<currency>{_CURRENCY})")
_FEE_START = re.compile(rf"Miễn phí|{NO_INFO}|\d[\d.,]* ?{_CURRENCY}")
_UNITS = {"Ngày làm việc": "working_days", "Ngày": "calendar_days", "Giờ làm việc": "working_hours",
          "Giờ": "working_hours", "Tuần": "calendar_days"}


@dataclass
class Channel:
    name: str
    value: Decimal | None = None  # the number in the time cell
    unit: str | None = None       # the unit word as written, None when absent
    time_text: str = ""           # the time cell when it is not a number
    merged: bool = False          # the time number runs into the fee amount: unreadable
    fee: str = ""                 # the fee cell: "Miễn phí", "Không có thông tin" or "50,000 VNĐ"
    fee_note: str = ""            # the parenthesised note after the fee

    @property
    def limit(self) -> str:
        if self.value is None:
            return self.time_text or "?"
        return f"{self.value:f} {self.unit}" if self.unit else f"{self.value:f}"


def _number(value: Decimal) -> str:
    """A number the parser derived, with the decimal comma of the active language."""
    return number_format(value)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _parenthesised(text: str) -> tuple[str, str]:
    """Split "(note (nested))rest" into the note without its outer brackets and the rest."""
    if not text.startswith("("):
        return "", text
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return text[1:i].strip("() "), text[i + 1:]
    return text.strip("() "), ""


def parse_channels(text: str) -> list[Channel]:
    """The submission channels (hình thức nộp) of a `cach_thuc_thuc_hien` table, in order."""
    text = unicodedata.normalize("NFC", text or "").replace("\xa0", " ")
    text = text.removeprefix(_HEADER)
    starts = list(_CHANNEL.finditer(text))
    channels = []
    for i, match in enumerate(starts):
        body = text[match.end(): starts[i + 1].start() if i + 1 < len(starts) else len(text)]
        channel = Channel(match.group(1))
        if time := _TIME.match(body):
            channel.value, channel.unit = _decimal(time["value"]), time["unit"]
            rest = body[time.end():]
        elif bare := re.match(rf"(\d+)(?=Miễn phí|Không|{NO_INFO})", body):
            channel.value, rest = Decimal(bare[1]), body[bare.end():]
        elif _AMOUNT.match(body):
            # "1" + "20 VNĐ" or "12" + "0 VNĐ"? The cells cannot be told apart.
            channel.merged, rest = True, body
        elif body.startswith(NO_INFO):
            channel.time_text, rest = NO_INFO, body[len(NO_INFO):]
        else:
            fee = _FEE_START.search(body)
            cut = fee.start() if fee else len(body)
            channel.time_text, rest = body[:cut].strip(), body[cut:]
        if amount := _AMOUNT.match(rest):
            channel.fee, rest = amount.group(0), rest[amount.end():]
        elif rest.startswith(("Miễn phí", NO_INFO)):
            channel.fee = "Miễn phí" if rest.startswith("Miễn phí") else NO_INFO
            rest = rest[len(channel.fee):]
        channel.fee_note = _clean(_parenthesised(rest)[0])
        channels.append(channel)
    return channels


def _same_day_wording(steps_text: str) -> bool:
    """The same-day rule of NĐ 61/2018 Art. 18: received after 15:00 → returned next working day."""
    return bool(re.search(r"sau 15 giờ|ngay trong ngày", steps_text or "", re.I))


def time_limit(channels: list[Channel], steps_text: str, add,
               description: str = "") -> tuple[Decimal, str] | None:
    """(value, unit code) for the catalog, or None when it cannot be determined.

    The in-person channel's limit wins when channels differ; a channel with a unit beats one
    without; a number without a unit is kept as "unspecified" (the clock refuses it until a
    person decides), except "1" with the same-day wording in the steps, read as same day.
    """
    def determined(c):
        return c.value is not None and c.unit is not None

    in_person = [c for c in channels if c.name == _IN_PERSON]
    ordered = in_person + [c for c in channels if c.name != _IN_PERSON]
    chosen = next((c for c in ordered if determined(c)), None)
    if chosen is None:
        chosen = next((c for c in ordered if c.value is not None), None)
    if chosen is None:
        merged = next((c for c in ordered if c.merged), None)
        if merged:
            reason = (_("không đọc được thời hạn: ô thời gian và ô phí, lệ phí dính liền nhau (“%(fee)s”)")
                      % {"fee": merged.fee or "…"})
        else:
            shown = next((c.time_text for c in ordered if c.time_text), "") or _("trống")
            reason = _("không có thời hạn trong ô thời gian (“%(text)s”)") % {"text": shown[:60]}
        # Prose limits are often several ("03 ngày làm việc … 60 ngày"): a hint, never a value.
        if hint := re.search(r"\d+ ngày(?: làm việc)?", description or "", re.I):
            reason = _("%(reason)s; phần mô tả có nhắc “%(hint)s”") % {"reason": reason, "hint": hint.group(0)}
        add(ERROR, _("%(reason)s: bỏ qua, cần nhập tay") % {"reason": reason})
        return None
    limits = {c.limit for c in channels if c.value is not None}
    if in_person and chosen.name != _IN_PERSON:
        add(WARNING, _("kênh Trực tiếp ghi “%(in_person)s”; đã lấy kênh %(channel)s “%(limit)s”")
            % {"in_person": in_person[0].limit, "channel": chosen.name, "limit": chosen.limit})
    elif not in_person and len(channels) > 0:
        add(INFO, _("không có kênh Trực tiếp; đã lấy kênh %(channel)s “%(limit)s”")
            % {"channel": chosen.name, "limit": chosen.limit})
    if len(limits) > 1:
        add(INFO, _("các kênh ghi thời hạn khác nhau (%(limits)s); đã lấy kênh %(channel)s “%(limit)s”")
            % {"limits": ", ".join(sorted(limits)), "channel": chosen.name, "limit": chosen.limit})
    value, unit = chosen.value, chosen.unit
    if unit is None:
        if value == 1 and _same_day_wording(steps_text):
            add(INFO, _("thời hạn “1” không ghi đơn vị, hiểu là trong ngày (trình tự thực hiện nêu quy định "
                        "nhận sau 15 giờ trả vào ngày làm việc tiếp theo)"))
            return Decimal(0), "same_day"
        add(WARNING, _("thời hạn “%(value)s” không ghi đơn vị: nhập là chưa xác định") % {"value": f"{value:f}"})
        return value, "unspecified"
    if unit == "Tuần":
        add(INFO, _("“%(value)s Tuần” hiểu là %(days)s ngày theo lịch") % {"value": f"{value:f}",
                                                                           "days": _number(value * 7)})
        return value * 7, "calendar_days"
    if unit not in _UNITS:
        add(WARNING, _("thời hạn “%(value)s %(unit)s” không có đơn vị tương ứng trong danh mục: nhập là chưa xác "
                       "định") % {"value": f"{value:f}", "unit": unit})
        return value, "unspecified"
    if unit == "Ngày":
        add(INFO, _("thời hạn “%(value)s Ngày” hiểu là %(days)s ngày theo lịch")
            % {"value": f"{value:f}", "days": _number(value)})
    elif unit == "Giờ":
        add(INFO, _("thời hạn “%(value)s Giờ” hiểu là %(hours)s giờ làm việc")
            % {"value": f"{value:f}", "hours": _number(value)})
    return value, _UNITS[unit]


_PLAIN_FREE = re.compile(r"^(không có|không|không thu|miễn phí|miễn)\.?$", re.I)


def fee(channels: list[Channel], add) -> tuple[int | None, str]:
    """(amount in đồng or None, note) from the in-person channel (else the first one).

    0 only when the cell says free and its note does not set a fee elsewhere; an amount only
    when the cell holds one plausible amount in đồng. Otherwise the text goes to the note.
    """
    in_person = [c for c in channels if c.name == _IN_PERSON]
    chosen = (in_person or channels or [None])[0]
    if chosen is None or not (chosen.fee or chosen.merged):
        add(INFO, _("không ghi phí, lệ phí"))
        return None, ""
    note = chosen.fee_note
    full = f"{chosen.fee} ({note})" if note else chosen.fee
    fees = {re.sub(r" ?(Việt Nam Đồng|VNĐ|Đồng|đồng)$", " đồng", c.fee) for c in in_person or channels if c.fee}
    if len(fees) > 1:
        add(INFO, _("nhiều mức phí (%(fees)s); đã lấy mức đầu tiên của kênh Trực tiếp")
            % {"fees": "; ".join(sorted(fees))})
    if chosen.merged:
        add(WARNING, _("không đọc được phí: số tiền dính liền ô thời gian"))
        return None, _clean(full)
    if chosen.fee == NO_INFO:
        return None, NO_INFO
    if chosen.fee == "Miễn phí":
        if not note or _PLAIN_FREE.match(note):
            return 0, ""
        # "Miễn lệ phí. Phí cấp bản sao … (nếu có yêu cầu)" is free; "Miễn phí đối với: …",
        # "Miễn phí(Mức lệ phí do HĐND quyết định)" are free for some, or not at all.
        first = re.sub(r"\([^)]*\)", "", re.split(r"[.;:]", note)[0]).strip()
        if _PLAIN_FREE.match(first) or re.fullmatch(r"miễn (lệ )?phí", first, re.I):
            return 0, note
        add(INFO, _("ô phí ghi miễn phí nhưng phần ghi chú đặt điều kiện hoặc nêu mức phí: để trống số tiền"))
        return None, full
    amount = _AMOUNT.match(chosen.fee)
    if amount["currency"] == "USD":
        add(INFO, _("phí tính bằng USD (“%(fee)s”): để trống số tiền, giữ trong ghi chú") % {"fee": chosen.fee})
        return None, full
    value = int(re.sub(r"[.,]", "", amount["amount"]))
    if value < 1000:
        add(WARNING, _("phí “%(fee)s” nhỏ bất thường (thiếu hàng nghìn?): để trống số tiền") % {"fee": chosen.fee})
        return None, full
    return value, note


# --- Documents (thanh_phan_ho_so) ----------------------------------------------------------

_DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# The quantity cell: "1 bản chính" or "0 bản chính,1 bản sao"; a count glued to a digit, or
# zero-padded ("01 bản chính"), belongs to the prose before it.
_QUANTITY = re.compile(r"(?<!\d)(?P<orig>[1-9]\d?|0) bản chính(?:, ?(?P<copy>[1-9]\d?|0) bản sao)?")
_PROSE_COUNT = re.compile(r"\b0?(\d{1,2}) bản (chính|sao)")
_FILE_EXT = re.compile(r"\.(docx?|pdf|xlsx?|odt|rtf|rar|zip)$", re.I)
_GENERIC_GROUP = re.compile(
    r"^(|-+|.*giấy tờ phải nộp.*|thành phần hồ sơ.*|bao gồm.*|.*gồm( các giấy tờ sau)?( đây)?:?)$", re.I,
)
_CONDITIONAL = re.compile(r"^(trường hợp|đối với|nếu)\b", re.I)


def _strip_file_names(text: str) -> str:
    """Drop template file names glued to a document name ("…(mẫu NA17)101-Mau A17.doc").

    A file name starts after ";:)" or ". " or where a word is glued to a capital letter
    ("…gia hạnMau 35 - Phu luc….docx"); dots inside file names are not boundaries.
    """
    while ext := _FILE_EXT.search(text):
        end = len(text)
        for i in range(ext.start() - 1, max(end - 120, 0), -1):
            prev, cur = text[i - 1], text[i]
            nxt = text[i + 1] if i + 1 < end else ""
            if prev in ";:)" or (prev == "." and not text[i - 2:i - 1].isdigit() and not cur.isdigit()):
                break
            if cur.isupper() and (prev.islower() or prev.isdigit() or (prev.isupper() and nxt.islower())):
                break
        else:
            return text  # no boundary found: keep the text rather than cut a name
        # What a glued boundary leaves of the file name: an ASCII run after ";.)" ("…an).Mau").
        text = re.sub(r"(?<=[;.)])[0-9A-Za-z_.\-]{1,40}$", "", text[:i].rstrip())
    return text


def documents(text: str, add) -> list[str]:
    """Document lines "name | copies | form | mandatory" from the flattened table.

    Groups under "Giấy tờ phải xuất trình" are shown, not handed in (original_for_check);
    "Lưu ý" groups and rows with no copies are notes, not documents; documents of a case group
    ("Trường hợp …", or any later group with its own heading) are optional and carry the case.
    """
    text = unicodedata.normalize("NFC", text or "").replace("\xa0", " ")
    if _DOC_HEADER not in text:
        add(WARNING, _("không nhận ra bảng thành phần hồ sơ"))
        return []
    lines, seen = [], set()
    parts = text.split(_DOC_HEADER)
    heading = parts[0]
    for index, body in enumerate(parts[1:]):
        group = _clean(heading).strip("*-+: ").strip()
        marks = list(_QUANTITY.finditer(body))
        heading = body[marks[-1].end():] if marks else body  # the tail heads the next group
        if group.lower().startswith("lưu ý"):
            continue
        shown = "xuất trình" in group.lower()
        case = not shown and (bool(_CONDITIONAL.match(group))
                              or (index > 0 and not _GENERIC_GROUP.match(group)))
        start = 0
        for mark in marks:
            raw, start = body[start:mark.start()], mark.end()
            name = _clean(_strip_file_names(_clean(raw))).lstrip("-+*•·– ").strip()
            originals, copies = int(mark["orig"]), int(mark["copy"] or 0)
            if not originals and not copies and (prose := _PROSE_COUNT.search(name)):
                count, kind = int(prose[1]), prose[2]
                originals, copies = (count, 0) if kind == "chính" else (0, count)
            if not name or not (originals or copies):
                continue  # a note row ("… thì không phải nộp bản giấy. 0 bản chính")
            lowered = name.lower()
            if shown:
                form = "original_for_check"
            elif "chứng thực" in lowered and (copies or "bản sao" in lowered) and not originals:
                form = "certified_copy"
            elif originals:
                form = "original"
            else:
                form = "copy"
            mandatory = not (case or _CONDITIONAL.match(name) or "(nếu có)" in lowered)
            if case:
                name = f"[{group[:120]}] {name}"
            line = f"{name} | {originals or copies} | {form} | {int(mandatory)}"
            if line not in seen:
                seen.add(line)
                lines.append(line)
    if not lines:
        add(WARNING, _("bảng thành phần hồ sơ không có dòng nào ghi số lượng"))
    return lines


# --- Legal basis, result ----------------------------------------------------------------------

_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# "47/2014/QH13", "66.7/2025/NQ-CP", "5568/QĐ-BCA": digits after letters only in "QH13" (the
# legislature), so "…/NĐ-CP126/2020/…" splits before the next code's number.
_LEGAL_CODE = re.compile(r"\d+(?:\.\d+)?(?:/\d{4})?/(?:QH\d{2}|[A-ZĐ]+)(?:-(?:QH\d{2}|[A-ZĐ]+))*")
_TITLE_START = re.compile(r"(Thông|Nghị|Luật|Quyết|Sửa|Quy|Hướng|Văn|Pháp|Bộ|Chỉ|Công|Lệnh|Điều)")
_GLUED_TYPE = re.compile(r"(?<=\S)(Luật|Nghị định|Thông tư|Quyết định|Nghị quyết|Pháp lệnh)?( số| Số|Số)?$")


def legal_basis(text: str) -> str:
    """One "title (code)" a line: an entry ends at a document code followed by a capital or the end."""
    text = _clean(text)
    if not text or text.startswith(NO_INFO):
        return ""
    text = text.removeprefix(_LEGAL_HEADER)
    codes = []
    for match in _LEGAL_CODE.finditer(text):
        start_, end = match.span()
        if _TITLE_START.match(text, end - 1):
            end -= 1  # "NĐ-CPThông tư": the capital starts the next title
        codes.append((start_, end))
    entries, start = [], 0
    for i, (code_start, code_end) in enumerate(codes):
        after = text[code_end:code_end + 1]
        glued_next = i + 1 < len(codes) and codes[i + 1][0] == code_end
        if not (after == "" or after.isupper() or glued_next):
            continue
        title = _GLUED_TYPE.sub("", text[start:code_start].rstrip()).strip(" ;,.")
        code, start = text[code_start:code_end], code_end
        entry = f"{title} ({code})" if len(title) > 3 else code
        if entries and code in entries[-1] and entry == code:
            continue  # the code column repeating a title that already names it
        if entry not in entries:
            entries.append(entry)
    if tail := text[start:].strip(" ;,."):
        entries.append(tail)
    return "\n".join(entries)


def result_document(text: str) -> str:
    """The result documents, one a line, without the "Mã: KQ…" codes and the page chrome."""
    text = unicodedata.normalize("NFC", text or "").replace("\xa0", " ").split("Từ khóa")[0]
    names = [_clean(part) for part in re.split(r"Mã: ?KQ(?:\.[A-Z]*\d+)+", text)]
    return "\n".join(name for name in names if name and name != NO_INFO)


# --- Level, agency kind -----------------------------------------------------------------------


def level(text: str, add) -> str | None:
    """The receiving level: the lowest local level the record lists (commune before province)."""
    listed = {part.strip() for part in (text or "").split(",")}
    found = [code for label, code in LEVELS.items() if label in listed]
    if not found:
        add(ERROR, _("không có cấp tỉnh hoặc cấp xã trong “%(text)s”") % {"text": text})
        return None
    if len(found) > 1:
        add(INFO, _("cấp thực hiện “%(text)s”: nhập ở %(level)s (cấp tiếp nhận thấp nhất)")
            % {"text": text, "level": _LEVEL_WORDS[found[0]]})
    return found[0]


def _kind_of(name: str) -> str | None:
    lowered = name.lower()
    return next((kind for keyword, kind in _KIND_KEYWORDS if keyword in lowered), None)


def _resolve(kind: str, field_name: str) -> str:
    if kind == "agriculture_env":
        return "natural_resources" if field_name in _ENVIRONMENT_FIELDS else "agriculture"
    return kind


def agency_kind(record: dict, level_code: str, add) -> str:
    """The competent agency kind (loại cơ quan có thẩm quyền), by keywords on the named agencies.

    The competent agency (co_quan_co_tham_quyen) is tried first, then the executing agency
    (co_quan_thuc_hien); local bodies before central ones; when nothing matches, the ministry
    folder and field decide, and a commune-level procedure falls to the People's Committee.
    """
    field_name = _clean(record.get("linh_vuc", ""))
    for source in ("co_quan_co_tham_quyen", "co_quan_thuc_hien"):
        text = _clean(record.get(source, ""))
        if not text or text.startswith(NO_INFO):
            continue
        names = [n.strip() for n in text.split(",") if n.strip()]
        mapped = [(name, _kind_of(name)) for name in names]
        mapped = [(name, kind) for name, kind in mapped if kind]
        local = [(n, k) for n, k in mapped if not _CENTRAL.search(n.lower())]
        if local or mapped:
            name, kind = (local or mapped)[0]
            kind = _resolve(kind, field_name)
            if source != "co_quan_co_tham_quyen":
                add(INFO, _("không ghi cơ quan có thẩm quyền; loại cơ quan “%(kind)s” lấy từ cơ quan thực hiện "
                            "“%(name)s”") % {"kind": kind, "name": name[:80]})
            return kind
    if level_code == "commune" and field_name not in _FIELD_KINDS:
        kind = "people_committee"
    else:
        kind = _FIELD_KINDS.get(field_name) or _MINISTRY_KINDS.get(record.get("bo", ""), "people_committee")
        kind = _resolve(kind, field_name)
    add(INFO, _("không nhận ra cơ quan nào; loại cơ quan “%(kind)s” suy ra từ bộ “%(ministry)s”, lĩnh vực và "
                "%(level)s") % {"kind": kind, "ministry": record.get("bo", ""), "level": _LEVEL_WORDS[level_code]})
    return kind


# --- One record -------------------------------------------------------------------------------


def convert(record: dict) -> tuple[dict | None, list[Issue]]:
    """A catalog row (CSV columns as strings) for one portal record, or None if it must be skipped."""
    code = _clean(record.get("ma_thu_tuc", "")) or "?"
    issues: list[Issue] = []

    def adder(field):
        return lambda severity, reason: issues.append(Issue(code, field, severity, reason))

    name, field_name = _clean(record.get("ten_thu_tuc", "")), _clean(record.get("linh_vuc", ""))
    if not name:
        adder("ten_thu_tuc")(ERROR, _("không có tên thủ tục"))
    elif len(name) > NAME_LIMIT:
        adder("ten_thu_tuc")(WARNING, _("tên dài %(length)s ký tự: cắt còn %(max)s ký tự (giới hạn của danh mục)")
                             % {"length": len(name), "max": NAME_LIMIT})
        name = name[:NAME_LIMIT - 1].rstrip() + "…"
    if not field_name:
        adder("linh_vuc")(ERROR, _("không có lĩnh vực"))
    level_code = level(record.get("cap_thuc_hien", ""), adder("cap_thuc_hien"))
    channels = parse_channels(record.get("cach_thuc_thuc_hien", ""))
    limit = time_limit(channels, record.get("trinh_tu_thuc_hien", ""), adder("cach_thuc_thuc_hien"),
                       record.get("cach_thuc_thuc_hien", ""))
    if any(i.severity == ERROR for i in issues):
        return None, issues
    kind = agency_kind(record, level_code, adder("co_quan_co_tham_quyen"))
    amount, fee_note = fee(channels, adder("cach_thuc_thuc_hien"))
    row = {
        "code": code,
        "name": name,
        "field_code": slug(field_name),
        "field_name": field_name,
        "level": level_code,
        "competent_agency_kind": kind,
        "time_limit_value": f"{limit[0]:f}",
        "time_limit_unit": limit[1],
        "fee_amount": "" if amount is None else str(amount),
        "fee_note": fee_note,
        "legal_basis": legal_basis(record.get("can_cu_phap_ly", "")),
        "result_document": result_document(record.get("ket_qua_xu_ly", "")),
        "online_level": "none",  # the file does not say: a known gap, reported once per import
        "is_one_stop": "1",
        "is_interlinked": "1" if "liên thông" in name.lower() else "0",
        "supplement_clock_rule": "restart",
        "publishing_decision": _clean(record.get("so_quyet_dinh", "")),
        "source_url": _clean(record.get("detail_url", "")),
        "valid_from": "",
        "valid_to": "",
        "documents": "\n".join(documents(record.get("thanh_phan_ho_so", ""), adder("thanh_phan_ho_so"))),
        "steps": DEFAULT_STEPS.format(kind=kind),
    }
    return row, issues
