"""The agencies a dossier has passed through (DossierHold): written once, where work items are made.

A hold is the work-item fact the staff lists need in their own order (ADR 0044): an agency's
dossiers by the dossier's creation instant. The engine (`nodes.RoutedViewActivation.create`)
records one when a work item lands at an agency other than the previous item's; a repeat is a
no-op (the row is unique per dossier and agency), so a return to an agency costs one ignored
INSERT and nothing is read first.
"""
from .models import DossierHold


def record_hold(dossier, agency_id: int) -> None:
    DossierHold.objects.bulk_create(
        [DossierHold(dossier_id=dossier.pk, agency_id=agency_id, created_at=dossier.created_at)],
        ignore_conflicts=True,
    )
