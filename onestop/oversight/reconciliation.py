"""The supervisors' screen of the last reconciliation with the national portal (oversight's rule:
`supervisor_required`). Codes of our dossiers are listed within the supervisor's units
(`access.dossiers_for`), each linked to oversight's dossier page; codes only the portal holds have
no unit, so they are listed for a province-wide reach (a superuser, or a supervisor of a top unit)."""
from django.shortcuts import render

from portal_intake.models import ReconciliationRun
from workflows import access
from workflows.models import Dossier

from .scope import reachable_units, supervisor_required

LIST_LIMIT = 200


def _ours(user, codes: list) -> tuple[list, int]:
    visible = (access.dossiers_for(user, Dossier.objects.filter(code__in=codes))
               .order_by("code").values_list("pk", "code"))
    rows = list(visible[:LIST_LIMIT + 1])
    total = len(rows) if len(rows) <= LIST_LIMIT else visible.count()
    return rows[:LIST_LIMIT], total


@supervisor_required
def reconciliation(request):
    run = ReconciliationRun.objects.first()
    context = {"run": run}
    if run is not None:
        province_wide = request.user.is_superuser or reachable_units(request.user).filter(parent__isnull=True).exists()
        not_synced, not_synced_total = _ours(request.user, run.not_synced)
        different, different_total = _ours(request.user, run.different)
        context.update(
            not_synced=not_synced, not_synced_total=not_synced_total,
            different=different, different_total=different_total, province_wide=province_wide,
            unknown=run.unknown_to_us[:LIST_LIMIT] if province_wide else [],
            unknown_total=len(run.unknown_to_us), limit=LIST_LIMIT,
        )
    return render(request, "oversight/reconciliation.html", context)
