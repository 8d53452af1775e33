"""The one generic flow (quy trình chung) that carries every dossier.

The procedure is data: on receipt its steps are resolved into the dossier's `plan`
(agency, role, share of the time limit), and `process_step` repeats once per planned step.
Routing reads the dossier's status, which the services move just before completing a task:

    start ─┬─> review_submission (online: the counter accepts or refuses) ─┬─> process_step
           │                                                               └─> end
           └─> process_step ─┬─> process_step (next step, possibly another agency / level)
                             ├─> await_supplement (counter) ──> process_step
                             └─> return_result (counter) ──> end
"""
from django.contrib.auth import get_user_model
from django.db import connection
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.signals import flow_started

from . import clock, deadlines
from .errors import PermissionDenied
from .lock import process_row_lock
from .models import DossierProcess, StaffMembership, WorkItem
from .nodes import RoutedStartHandle, RoutedView
from .roles import Role
from .statuses import Status


class DossierFlow(flow.Flow):
    """Hồ sơ thủ tục hành chính

    Tiếp nhận, giải quyết qua các bước của thủ tục (có thể liên thông nhiều cấp) và trả kết quả.
    """

    process_class = DossierProcess
    task_class = WorkItem
    lock_impl = process_row_lock

    start = RoutedStartHandle(this.begin).Route(
        this.route_start, [this.review_submission, this.process_step]
    )
    review_submission = RoutedView(this.plan_counter_task, task_title=_("Tiếp nhận hồ sơ trực tuyến")).Route(
        this.route_after_review, [this.process_step, this.end]
    )
    process_step = RoutedView(this.plan_step, task_title=_("Xử lý hồ sơ")).Route(
        this.route_after_step, [this.process_step, this.await_supplement, this.return_result]
    )
    await_supplement = RoutedView(this.plan_counter_task, task_title=_("Chờ bổ sung hồ sơ")).Route(
        this.route_to_processing, [this.process_step]
    )
    return_result = RoutedView(this.plan_counter_task, task_title=_("Trả kết quả")).Route(
        this.route_to_end, [this.end]
    )
    end = flow.End()

    # --- start -------------------------------------------------------------------------

    def begin(self, activation, dossier):
        dossier.process = activation.process  # saved by on_flow_started, once the process has an id
        return dossier

    # --- routing -----------------------------------------------------------------------

    def route_start(self, activation):
        submitted = activation.process.dossier.status == Status.SUBMITTED
        return self.review_submission if submitted else self.process_step

    def route_after_review(self, activation):
        return self.end if activation.process.dossier.status == Status.REFUSED else self.process_step

    def route_after_step(self, activation):
        status = activation.process.dossier.status
        if status == Status.AWAITING_SUPPLEMENT:
            return self.await_supplement
        if status == Status.RESULT_READY:
            return self.return_result
        return self.process_step

    def route_to_processing(self, activation):
        return self.process_step

    def route_to_end(self, activation):
        return self.end

    # --- work item planning (before the task's INSERT) -----------------------------------

    def plan_step(self, activation):
        task, dossier = activation.task, activation.process.dossier
        step = dossier.plan[dossier.current_step]
        task.agency_id = step["agency"]
        task.role = step["role"]
        task.step_index = dossier.current_step
        allotted = max(step["allotted"] - step.get("spent", 0), 0)
        cal = deadlines.calendar_for(dossier)
        handed_over = clock.now()
        task.allotted_seconds = allotted
        task.due_at = deadlines.step_due(cal, handed_over, allotted)
        task.at_risk_at = deadlines.at_risk_instant(cal, handed_over, task.due_at)

    def plan_counter_task(self, activation):
        task, dossier = activation.task, activation.process.dossier
        task.agency_id = dossier.receiving_agency_id
        task.role = Role.CLERK

    def choose_owner(self, activation):
        """The requested assignee, else the agency's only member in that role, else the queue."""
        task, dossier = activation.task, activation.process.dossier
        requested = getattr(dossier, "_next_assignee", None)
        eligible = eligible_user_ids(task.agency_id, task.role, only=requested.pk if requested else None)
        if requested is not None:
            if not eligible:
                raise PermissionDenied(
                    _("Người được chuyển không thuộc cơ quan hoặc không có vai trò xử lý bước này.")
                )
            return requested
        if len(eligible) == 1:
            return get_user_model()(pk=eligible[0])
        return None


def eligible_users(agency_id: int, role: str):
    """Every active member of the agency holding the role: who may hold a step there (for lists).

    The same rule as `eligible_user_ids`, which the engine runs as fixed SQL on every hand-over.
    """
    return get_user_model().objects.filter(
        is_active=True, memberships__agency_id=agency_id, groups__name=role).distinct()


def eligible_user_ids(agency_id: int, role: str, only: int | None = None) -> list[int]:
    """Up to two active members of the agency holding the role (or just `only`, if eligible).

    Runs on every hand-over, so it is one fixed SQL string rather than an ORM query built and
    compiled each time (the compile cost more than the query).
    """
    sql, params = _ELIGIBLE_SQL, [agency_id, role, True]
    if only is not None:
        sql, params = _ELIGIBLE_SQL.replace("LIMIT 2", "AND u.id = %s LIMIT 2"), [*params, only]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _eligible_sql() -> str:
    user = get_user_model()
    groups = user._meta.get_field("groups")
    through, group = groups.remote_field.through._meta, groups.related_model._meta
    return (
        f"SELECT DISTINCT u.id FROM {StaffMembership._meta.db_table} m "
        f"JOIN {user._meta.db_table} u ON u.id = m.user_id "
        f"JOIN {through.db_table} ug ON ug.{groups.m2m_column_name()} = u.id "
        f"JOIN {group.db_table} g ON g.id = ug.{groups.m2m_reverse_name()} "
        "WHERE m.agency_id = %s AND g.name = %s AND u.is_active = %s LIMIT 2"
    )


_ELIGIBLE_SQL = _eligible_sql()


@receiver(flow_started, sender=DossierFlow)
def on_flow_started(sender, process, task, **kwargs):
    """Save the new dossier inside viewflow's start transaction, now that its process has an id."""
    dossier = process.dossier
    dossier.process = process
    dossier.save(force_insert=True)
