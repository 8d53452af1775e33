"""The deadline scan (rà soát thời hạn): at-risk and overdue work, alerted once per crossing.

A crossing is a `DeadlineAlert` row; its unique constraints make a second scan, a
concurrent scan on another node or a late catch-up run a no-op for crossings already seen.
The alert and its messages are written in one transaction, so an alert is never recorded
without its notifications. Only running clocks are watched (`reporting.rules.clock_running_q`): a
dossier waiting for the citizen's supplement, or whose result is ready, is not late work.
"""
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from reporting import rules
from workflows.flows import eligible_users
from workflows.models import Dossier, StaffMembership, WorkItem
from workflows.roles import Role

from .messages import notify_staff
from .models import AlertKind, DeadlineAlert


class _People:
    """Who hears about an alert, looked up once per scan."""

    def __init__(self):
        self._supervisors = list(
            StaffMembership.objects.filter(
                user__is_active=True, user__groups__name=Role.SUPERVISOR, supervised_unit__isnull=False,
            ).select_related("user", "supervised_unit")
        )
        self._queues = {}

    def supervisors(self, unit_path: str) -> list:
        """The supervisors of the closest supervised unit containing `unit_path`."""
        covering = [m for m in self._supervisors if unit_path.startswith(m.supervised_unit.path)]
        if not covering:
            return []
        deepest = max(len(m.supervised_unit.path) for m in covering)
        return [m.user for m in covering if len(m.supervised_unit.path) == deepest]

    def assignees(self, item: WorkItem) -> list:
        """The item's owner, or everyone in its agency's queue for that role."""
        if item.owner_id:
            return [item.owner]
        key = (item.agency_id, item.role)
        if key not in self._queues:
            self._queues[key] = list(eligible_users(item.agency_id, item.role))
        return self._queues[key]


def _texts(kind: str, code: str, where: str, due) -> tuple[str, str]:
    due_text = date_format(timezone.localtime(due), "d/m/Y H:i")
    if kind == AlertKind.OVERDUE:
        subject = _("Quá hạn: hồ sơ %(code)s") % {"code": code}
        body = _("Hồ sơ %(code)s (%(where)s) đã quá hạn từ %(due)s.")
    else:
        subject = _("Sắp đến hạn: hồ sơ %(code)s") % {"code": code}
        body = _("Hồ sơ %(code)s (%(where)s) sắp đến hạn: %(due)s.")
    return subject, body % {"code": code, "where": where, "due": due_text}


def _alert(dossier, item, kind, users, texts, now) -> bool:
    """Record the crossing and its messages; False when another scan already did."""
    try:
        with transaction.atomic():
            alert = DeadlineAlert.objects.create(dossier=dossier, work_item=item, kind=kind, created_at=now)
            subject, body = texts
            # De-duplicate people who are both assignee and supervisor.
            unique = list({u.pk: u for u in users}.values())
            notify_staff(alert, unique, subject=subject, body=body)
    except IntegrityError:
        return False
    return True


def _open_items(now):
    items = WorkItem.objects.open().filter(
        rules.clock_running_q("process__dossier__"), due_at__isnull=False,
    ).select_related("process__dossier", "agency__unit", "owner")
    return {
        AlertKind.OVERDUE: items.filter(due_at__lt=now),
        AlertKind.AT_RISK: items.filter(at_risk_at__lte=now, due_at__gte=now),
    }


def _open_dossiers(now):
    dossiers = Dossier.objects.select_related("receiving_agency")
    return {AlertKind.OVERDUE: dossiers.filter(rules.overdue_q(now)),
            AlertKind.AT_RISK: dossiers.filter(rules.at_risk_q(now))}


def run(now=None) -> dict:
    """One pass; returns how many new crossings were alerted, by kind and level."""
    now = now or timezone.now()
    people = _People()
    counts = {"items_at_risk": 0, "items_overdue": 0, "dossiers_at_risk": 0, "dossiers_overdue": 0}
    with override("vi"):
        for kind, qs in _open_items(now).items():
            seen = DeadlineAlert.objects.filter(work_item=OuterRef("pk"), kind=kind)
            for item in qs.exclude(Exists(seen)):  # evaluated at once: we write while looping
                dossier = item.process.dossier
                where = item.agency.name if item.agency_id else ""
                users = people.assignees(item) + people.supervisors(item.agency.unit.path if item.agency_id else "")
                if _alert(dossier, item, kind, users, _texts(kind, dossier.code, where, item.due_at), now):
                    counts[f"items_{kind}"] += 1
        for kind, qs in _open_dossiers(now).items():
            seen = DeadlineAlert.objects.filter(dossier=OuterRef("pk"), work_item__isnull=True, kind=kind)
            for dossier in qs.exclude(Exists(seen)):  # evaluated at once: we write while looping
                users = people.supervisors(dossier.unit_path)
                texts = _texts(kind, dossier.code, dossier.receiving_agency.name, dossier.due_at)
                if _alert(dossier, None, kind, users, texts, now):
                    counts[f"dossiers_{kind}"] += 1
    return counts
