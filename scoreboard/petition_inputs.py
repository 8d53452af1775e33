"""Petition inputs for indicators 5.2–5.4, the one place to wire to `petitions.rules.figures`
on merge. STAND-IN: until the petitions app lands this counts the per-dossier
`workflows.models.Complaint` rows; "on time" here is resolved within 15 calendar days, not the
766 working-day limits, and "satisfactory" is not tracked (every petition counts as satisfactory)."""
from dataclasses import dataclass, field
from datetime import timedelta

from workflows.models import Complaint


@dataclass(frozen=True)
class PetitionFigures:
    total: int
    on_time: int
    satisfactory: int
    by_class: dict = field(default_factory=dict)


def _in_period(start, end):
    return Complaint.objects.filter(received_at__gte=start, received_at__lt=end)


def figures(start, end, *, unit_path_prefix=None, agency_id=None, procedure_id=None):
    qs = _in_period(start, end)
    if unit_path_prefix is not None:
        qs = qs.filter(dossier__unit_path__startswith=unit_path_prefix)
    if agency_id is not None:
        qs = qs.filter(dossier__receiving_agency_id=agency_id)
    if procedure_id is not None:
        qs = qs.filter(dossier__procedure_id=procedure_id)
    rows = list(qs.values_list("received_at", "resolved_at"))
    on_time = sum(1 for got, done in rows if done is not None and done - got <= timedelta(days=15))
    return PetitionFigures(total=len(rows), on_time=on_time, satisfactory=len(rows))


def dossier_ids_with_petition(start, end):
    return _in_period(start, end).values_list("dossier_id", flat=True).distinct()
