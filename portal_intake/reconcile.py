"""Daily reconciliation with the national portal (issue 15 item 3, ADR 0037): what we hold against
what the portal holds (`GET /api/dongbo/hoso`), for the dossiers received in a range of days.

- `fetch_portal`: every page of the portal's listing, MaHoSo → Hash of the last record it accepted;
- `our_dossiers`: our dossiers received in the range, code → (acknowledged, current snapshot Hash):
  acknowledged when the portal accepted a first record (`DossierSync.first_acked_at`), the Hash
  `protocol.snapshot_hash` of `portal_sync.dataset.hoso(dossier)`, the one definition the portal uses;
- `compare` sorts them into three lists, `run_reconciliation` stores them (`ReconciliationRun`).
"""
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from portal_sync.client import PortalClient, PortalRefused, PortalUnavailable
from portal_sync.protocol import snapshot_hash
from workflows import clock
from workflows.models import Dossier

logger = logging.getLogger("onestop.portal_intake")

LISTING = "/api/dongbo/hoso"
PAGE_SIZE = 200
MAX_PAGES = 1000


@dataclass
class Reconciliation:
    not_synced: list = field(default_factory=list)        # ours, no acknowledged record
    different: list = field(default_factory=list)         # acknowledged, our Hash ≠ the portal's
    unknown_to_us: list = field(default_factory=list)     # the portal's, not ours


def compare(ours: dict, portal: dict) -> Reconciliation:
    """`ours`: our code → (acknowledged: bool, current snapshot Hash); `portal`: MaHoSo → Hash."""
    result = Reconciliation()
    for code, (acked, our_hash) in sorted(ours.items()):
        if not acked or code not in portal:
            result.not_synced.append(code)
        elif portal[code] != our_hash:
            result.different.append(code)
    result.unknown_to_us = sorted(set(portal) - set(ours))
    return result


def default_day() -> dt.date:
    """Yesterday in the service's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localtime(clock.now()).date() - dt.timedelta(days=1)


def fetch_portal(client: PortalClient, day_from: dt.date, day_to: dt.date) -> dict:
    """The portal's records received in the range (every page): MaHoSo → Hash."""
    params = {"tu": day_from.strftime("%Y%m%d"), "den": day_to.strftime("%Y%m%d"), "limit": PAGE_SIZE}
    found, cursor = {}, ""
    for _page in range(MAX_PAGES):
        page = client.get_json(LISTING, {**params, "cursor": cursor})
        for row in page.get("items") or []:
            if isinstance(row, dict) and row.get("MaHoSo"):
                found[str(row["MaHoSo"])] = str(row.get("Hash") or "")
        nxt = page.get("next")
        if nxt is None or str(nxt) == cursor:
            break
        cursor = str(nxt)
    return found


def _bounds(day_from: dt.date, day_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(day_from, dt.time.min, tzinfo=tz),
            dt.datetime.combine(day_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def _current_hash(dossier: Dossier) -> str:
    from portal_sync import dataset

    return snapshot_hash(dataset.hoso(dossier))


def our_dossiers(day_from: dt.date, day_to: dt.date, snapshot: Callable[[Dossier], str] | None = None) -> dict:
    """Our dossiers received in the range: code → (acknowledged, current snapshot Hash). The Hash is
    computed only for acknowledged ones (the others are "not synced" whatever it is)."""
    snapshot = snapshot or _current_hash
    start, end = _bounds(day_from, day_to)
    rows = (Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
            .values_list("pk", "code", "portal_sync__first_acked_at").order_by("code"))
    return {code: (acked is not None, snapshot(Dossier(pk=pk, code=code)) if acked is not None else "")
            for pk, code, acked in rows.iterator(chunk_size=500)}


def run_reconciliation(day_from: dt.date, day_to: dt.date, *, client: PortalClient | None = None,
                       snapshot: Callable[[Dossier], str] | None = None):
    """Reconcile and store the run; None when no portal is configured. A portal that does not answer
    gives a run with its error and empty lists (nothing raised)."""
    from .models import ReconciliationRun

    client = client or PortalClient.from_settings()
    if client is None:
        return None
    run = ReconciliationRun(day_from=day_from, day_to=day_to, started_at=clock.now())
    try:
        portal = fetch_portal(client, day_from, day_to)
    except (PortalUnavailable, PortalRefused) as exc:
        with override(settings.LANGUAGE_CODE):
            run.error = (_("Cổng không trả lời danh sách hồ sơ đã đồng bộ: %(error)s") % {"error": exc})[:2000]
        logger.warning("portal reconciliation %s–%s: %s", day_from, day_to, exc)
        run.save()
        return run
    ours = our_dossiers(day_from, day_to, snapshot)
    result = compare(ours, portal)
    run.ours_count, run.portal_count = len(ours), len(portal)
    run.not_synced, run.different, run.unknown_to_us = result.not_synced, result.different, result.unknown_to_us
    run.finished_at = clock.now()
    run.save()
    logger.info("portal reconciliation %s–%s: %s", day_from, day_to, run.as_dict())
    return run
