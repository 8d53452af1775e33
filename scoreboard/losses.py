"""The dossiers that lose a month's QĐ 766 points, indicator by indicator: the lists a supervisor
works from before the month ends. Each list is the complement of its indicator's numerator, with
the same named rule (scoreboard.figures, scoreboard.progress), so a list's length is exactly what the
score line says is missing."""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from digitisation.rules import electronic_result_q, with_reuse_q

from . import figures, progress
from .timeliness import portal_on_time


@dataclass(frozen=True)
class LossList:
    key: str
    indicator: str
    title: str
    count: int
    dossiers: list  # the first `limit`, oldest received first


RELATED = ("procedure", "receiving_agency")


def _received(period, dossiers):
    return dossiers.filter(received_at__gte=period.start, received_at__lt=period.end)


def _listed(qs, limit):
    return list(qs.select_related(*RELATED).order_by("received_at", "pk")[:limit])


def unsynced(period, dossiers, limit):
    qs = _received(period, dossiers).exclude(figures.synced_q())
    return LossList("unsynced", "1.4", _("Hồ sơ chưa được Cổng DVCQG xác nhận đồng bộ"), qs.count(), _listed(qs, limit))


def without_electronic_result(period, dossiers, limit):
    granted = dossiers.filter(resolved_at__gte=period.start, resolved_at__lt=period.end, outcome="granted")
    qs = granted.exclude(electronic_result_q() & figures.synced_q())
    return LossList("no_electronic_result", "4.1", _("Hồ sơ có kết quả nhưng không có kết quả điện tử đã đồng bộ"),
                    qs.count(), _listed(qs, limit))


def not_paid_online(period, dossiers, limit):
    qs = _received(period, dossiers).filter(figures.owes_fees_q()).exclude(figures.paid_online_q())
    return LossList("not_paid_online", "3.6", _("Hồ sơ có phí, lệ phí không thanh toán trực tuyến"), qs.count(),
                    _listed(qs, limit))


def late(period, dossiers, limit, now=None):
    """2.1 by the portal's clock: judged per dossier in Python, as `progress.on_time` does."""
    rows = list(progress.in_period(period, dossiers).prefetch_related(progress.supplement_prefetch())
                .select_related(*RELATED).order_by("received_at", "pk"))
    judged_at = period.as_of(now)
    losing = [d for d in rows if not portal_on_time(progress.clock_of(d, d.supplement_events), judged_at)]
    return LossList("late", "2.1", _("Hồ sơ trễ hạn theo cách tính của Cổng DVCQG"), len(losing), losing[:limit])


def petition_or_dislike(period, dossiers, limit):
    qs = progress.in_period(period, dossiers).filter(progress.petition_or_dislike_q())
    return LossList("petition_or_dislike", "5.4", _("Hồ sơ có phản ánh, kiến nghị hoặc không hài lòng"), qs.count(),
                    _listed(qs, limit))


def not_reused(period, dossiers, limit):
    qs = _received(period, dossiers).exclude(with_reuse_q())
    return LossList("not_reused", "4.3", _("Hồ sơ không tái sử dụng dữ liệu số hóa"), qs.count(), _listed(qs, limit))


def all_lists(period, dossiers, *, limit=20, now=None) -> list[LossList]:
    return [unsynced(period, dossiers, limit), late(period, dossiers, limit, now),
            without_electronic_result(period, dossiers, limit), not_paid_online(period, dossiers, limit),
            petition_or_dislike(period, dossiers, limit), not_reused(period, dossiers, limit)]

