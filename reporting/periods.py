"""Reporting periods (kỳ báo cáo) and the local calendar day of an instant, in SQL."""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Func, IntegerField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A running month's figures are served from its latest rebuild while it is at most this old; the beat
# rebuilds it every ten minutes (the dashboard's rollups and the QĐ 766 scoreboard's). Older, they are
# counted live: a whole province's month live costs seconds at a million dossiers (docs/performance.md).
RUNNING_FRESHNESS = dt.timedelta(minutes=20)

@dataclass(frozen=True)
class Period:
    """A half-open interval [start, end) of local time: a month, a quarter or a year."""

    kind: str
    year: int
    number: int  # month 1–12, quarter 1–4, or 1 for a year
    start: dt.datetime
    end: dt.datetime

    @classmethod
    def of(cls, kind: str, year: int, number: int = 1) -> "Period":
        tz = timezone.get_default_timezone()
        if kind == "month":
            if not 1 <= number <= 12:
                raise ValueError("month")
            first, months = number, 1
        elif kind == "quarter":
            if not 1 <= number <= 4:
                raise ValueError("quarter")
            first, months = 3 * number - 2, 3
        elif kind == "year":
            first, months, number = 1, 12, 1
        else:
            raise ValueError("kind")
        if not 2000 <= year <= 2100:
            raise ValueError("year")
        last = first + months
        start = dt.datetime(year, first, 1, tzinfo=tz)
        end = dt.datetime(year + (last - 1) // 12, (last - 1) % 12 + 1, 1, tzinfo=tz)
        return cls(kind, year, number, start, end)

    @classmethod
    def all_time(cls) -> "Period":
        """Every instant the product can record: one dossier's own classification."""
        tz = timezone.get_default_timezone()
        return cls("all", 0, 0, dt.datetime(2000, 1, 1, tzinfo=tz), dt.datetime(2100, 1, 1, tzinfo=tz))

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Tháng %(n)s/%(y)s") % {"n": self.number, "y": self.year}
        if self.kind == "quarter":
            return _("Quý %(n)s/%(y)s") % {"n": self.number, "y": self.year}
        return _("Năm %(y)s") % {"y": self.year}

    def as_of(self, now=None) -> dt.datetime:
        """The instant pending dossiers are judged at: the period's end, or now if sooner."""
        now = now or timezone.now()
        return min(self.end, now)


class LocalDay(Func):
    """The local calendar day of an instant as a day number: floor((epoch seconds + UTC offset) / 86400).

    Plain arithmetic instead of a time-zone conversion per row (measured: the conversion was
    half the cost of a year's aggregate on PostgreSQL). Exact for a zone without daylight
    saving time, such as Asia/Ho_Chi_Minh (UTC+7 all year; a system check holds TIME_ZONE to that).
    """

    output_field = IntegerField()

    def __init__(self, expression, offset_seconds: int):
        super().__init__(expression)
        self.offset_seconds = int(offset_seconds)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"FLOOR((EXTRACT(EPOCH FROM {sql}) + {self.offset_seconds}) / 86400)", params

    def as_sql(self, compiler, connection, **extra):  # SQLite and others: Julian days
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(julianday({sql}) - 2440587.5 + {self.offset_seconds} / 86400.0 AS INTEGER)", params


def utc_offset_seconds(instant: dt.datetime | None = None) -> int:
    """The default zone's UTC offset (constant for a zone without daylight saving time)."""
    instant = instant or dt.datetime(2000, 1, 1)
    return int(timezone.get_default_timezone().utcoffset(instant.replace(tzinfo=None)).total_seconds())


def local_day_number(instant: dt.datetime) -> int:
    """`LocalDay` in Python, for one dossier."""
    return timezone.localtime(instant).date().toordinal() - dt.date(1970, 1, 1).toordinal()
