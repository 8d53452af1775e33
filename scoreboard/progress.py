"""Indicator 2.1 over dossiers: each dossier's clock as the portal reads it, from the dossier and its trail;
5.2 and 5.3 over petitions (petitions.rules) and 5.4 over both.

The portal's data carry the appointment (NgayHenTra: our current `due_at`), the instant the result was
ready (`resolved_at`), returned, or the dossier stopped, and the supplement requests of its history
(QuaTrinhXuLy); `scoreboard.timeliness` is the rule, this module only gathers its inputs.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce

from petitions import rules as petition_rules
from petitions.models import Petition
from workflows.models import Dossier, DossierEvent, Rating, SatisfactionRating
from workflows.statuses import Status

from .figures import Figure
from .rules import BY_ID
from .timeliness import PortalClock, portal_on_time

SUPPLEMENT_ASKED, SUPPLEMENT_DONE = "request_supplement", "supplement_received"
ENDED_WITHOUT_RESULT = (Status.STOPPED, Status.REFUSED, Status.WITHDRAWN)


def clock_of(dossier: Dossier, events) -> PortalClock:
    """`events`: the dossier's supplement events in order (asked, then received, possibly again)."""
    requests: list[list] = []
    for event in events:
        if event.action == SUPPLEMENT_ASKED:
            requests.append([event.at, None])
        elif event.action == SUPPLEMENT_DONE and requests and requests[-1][1] is None:
            requests[-1][1] = event.at
    return PortalClock(
        start=dossier.received_at, appointment=dossier.due_at, result_ready_at=dossier.resolved_at,
        returned_at=dossier.returned_at,
        stopped_at=dossier.closed_at if dossier.status in ENDED_WITHOUT_RESULT else None,
        supplement_requests=tuple((asked, done) for asked, done in requests),
    )


def in_period(period, dossiers=None):
    """Dossiers received or handled in the period: received before its end, not ended before its start."""
    qs = Dossier.objects.all() if dossiers is None else dossiers
    return (qs.filter(received_at__isnull=False, received_at__lt=period.end)
            .annotate(portal_end=Coalesce("resolved_at", "returned_at", "closed_at"))
            .filter(Q(portal_end__isnull=True) | Q(portal_end__gte=period.start)))


def supplement_prefetch() -> Prefetch:
    """The supplement events `clock_of` reads, as `dossier.supplement_events`."""
    events = DossierEvent.objects.filter(action__in=(SUPPLEMENT_ASKED, SUPPLEMENT_DONE)).order_by("seq")
    return Prefetch("events", queryset=events, to_attr="supplement_events")


def surely_on_time_q(judged_at) -> Q:
    """On time by the portal's rule without reading the trail: at most one supplement request, and the
    clock's latest possible end (result ready, else returned, else closed, else the judging instant) no
    later than the appointment — the supplement wait only moves the end earlier. The rest are judged one
    by one (`late_candidates`)."""
    latest_end = Coalesce("resolved_at", "returned_at", "closed_at", Value(judged_at))
    return Q(supplement_count__lte=1, due_at__isnull=False) & Q(due_at__gte=latest_end)


CLOCK_FIELDS = ("pk", "received_at", "due_at", "resolved_at", "returned_at", "closed_at", "status")


def late_candidates(period, dossiers=None, now=None, fields=()):
    """The dossiers of the period that the portal's rule must judge one by one (`fields` loaded beside
    the clock's), with their supplement events."""
    return (in_period(period, dossiers).exclude(surely_on_time_q(period.as_of(now)))
            .only(*CLOCK_FIELDS, *fields).prefetch_related(supplement_prefetch()))


def on_time(period, dossiers=None, now=None) -> Figure:
    """2.1: dossiers finished or pending on time / dossiers received or handled in the period (three
    queries: the counts, the dossiers that may be late, their supplement events)."""
    judged_at = period.as_of(now)
    counts = in_period(period, dossiers).aggregate(total=Count("pk"),
                                                   sure=Count("pk", filter=surely_on_time_q(judged_at)))
    judged = sum(portal_on_time(clock_of(d, d.supplement_events), judged_at)
                 for d in late_candidates(period, dossiers, now))
    return Figure(BY_ID["2.1"], counts["sure"] + judged, counts["total"])


def petitions_in(period, petitions=None):
    """Petitions received in the period (the portal counts a petition in the period it arrived)."""
    qs = Petition.objects.all() if petitions is None else petitions
    return qs.filter(received_at__gte=period.start, received_at__lt=period.end)


def petitions_of_units(unit_ids):
    """The petitions received by the agencies of these units (the scope of a unit's 5.2 and 5.3)."""
    return Petition.objects.filter(agency__unit_id__in=unit_ids)


def petition_figures(period, petitions=None, now=None) -> dict[str, Figure]:
    """5.2 handled on time and 5.3 satisfied (not disliked, not raised again, on time) / petitions
    received in the period, pending ones judged at the period's end (or now): one query."""
    judged_at = period.as_of(now)
    counts = petitions_in(period, petitions).aggregate(
        total=Count("pk"), on_time=Count("pk", filter=petition_rules.handled_on_time_q(judged_at)),
        satisfied=Count("pk", filter=petition_rules.satisfied_q(judged_at)),
    )
    return {"5.2": Figure(BY_ID["5.2"], counts["on_time"], counts["total"]),
            "5.3": Figure(BY_ID["5.3"], counts["satisfied"], counts["total"])}


def petitions_by_class(period, petitions=None) -> dict[str, int]:
    """5.1 (tracked, no points): the period's petitions per classification ("" not yet classified)."""
    rows = petitions_in(period, petitions).values_list("classification").annotate(n=Count("pk"))
    return dict(rows.order_by())


def petition_or_dislike_q():
    """The dossier drew a petition (phản ánh, kiến nghị, petitions.Petition about it, whatever its
    outcome) or the citizen's "không hài lòng" (5.4)."""
    return (Exists(Petition.objects.filter(dossier=OuterRef("pk")))
            | Exists(SatisfactionRating.objects.filter(dossier=OuterRef("pk"), rating=Rating.NOT_SATISFIED)))


@dataclass(frozen=True)
class SatisfactionFigure:
    """5.4 is not a ratio of two counts: 100% − (late rate + rate with a petition or a dislike)."""

    total: int
    late: int
    petition_or_dislike: int

    @property
    def rate(self) -> Decimal | None:
        if not self.total:
            return None
        return max(Decimal(0), 1 - Decimal(self.late + self.petition_or_dislike) / Decimal(self.total))

    @property
    def points(self) -> Decimal | None:
        rate = self.rate
        return None if rate is None else BY_ID["5.4"].scoring(BY_ID["5.4"].points, rate).quantize(Decimal("0.01"))


def satisfaction(period, dossiers=None, now=None, timely: Figure | None = None) -> SatisfactionFigure:
    """5.4 over the dossiers of 2.1: four queries, one when 2.1's figure (`timely`) is passed in."""
    timely = timely or on_time(period, dossiers, now)
    marked = in_period(period, dossiers).filter(petition_or_dislike_q()).count()
    return SatisfactionFigure(total=timely.denominator, late=timely.denominator - timely.numerator,
                              petition_or_dislike=marked)
