"""The one generic flow (quy trình chung) that carries every dossier.

The procedure is data: on receipt its steps are resolved into the dossier's `plan`
(agency, role, share of the time limit), and `process_step` repeats once per planned step.
Routing reads the dossier's status, which the services move just before completing a task:

    start ─┬─> review_submission (online: the counter accepts or refuses) ─┬─> process_step
           │                                                               └─> end
           └─> process_step ─┬─> process_step (next step, possibly another agency / level)
                             ├─> await_supplement (counter) ──> process_step
                             ├─> await_payment (counter) ──> process_step
                             └─> return_result (counter) ──> end
"""
import functools

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.signals import flow_started

from . import access, clock, deadlines
from .errors import PermissionDenied
from .lock import process_row_lock
from .models import DossierProcess, WorkItem
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
        this.route_after_step, [this.process_step, this.await_supplement, this.await_payment, this.return_result]
    )
    await_supplement = RoutedView(this.plan_counter_task, task_title=_("Chờ bổ sung hồ sơ")).Route(
        this.route_to_processing, [this.process_step]
    )
    await_payment = RoutedView(this.plan_counter_task, task_title=_("Chờ thực hiện nghĩa vụ tài chính")).Route(
        this.route_to_processing, [this.process_step]
    )
    return_result = RoutedView(this.plan_return_task, task_title=_("Trả kết quả")).Route(
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
        if status == Status.AWAITING_PAYMENT:
            return self.await_payment
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

    def plan_return_task(self, activation):
        """The result goes to the return point the citizen chose at receipt."""
        task, dossier = activation.task, activation.process.dossier
        task.agency_id = dossier.return_agency_id
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
    """Everyone who may hold a step of `role` at the agency (`access.holder_rule`), for pickers."""
    return get_user_model().objects.filter(**access.holder_rule(agency_id, role)).distinct()


def eligible_users_in(slots):
    """Everyone who may hold a step in any of the (agency id, role) slots, in one query.

    Each row read through `memberships__agency_id` and `groups__name` is one slot the user may hold:
    the filter's joins are reused by values().
    """
    condition = Q(pk__in=[])
    for agency_id, role in slots:
        condition |= Q(**access.holder_rule(agency_id, role))
    return get_user_model().objects.filter(condition)


def eligible_user_ids(agency_id: int, role: str, only: int | None = None) -> list[int]:
    """Up to two users who may hold a step of `role` at the agency (or just `only`, if they may).

    Runs on every hand-over, so it is fixed SQL: `eligible_users` rendered once per process with
    placeholder values, rather than an ORM query built and compiled each time (the compile cost
    more than the query). Same rule, same SQL, only the parameters change.
    """
    sql, rendered_params = _eligible_sql(only is not None)
    values = {_AGENCY: agency_id, _ROLE: role, _ONLY: only}
    params = [values.get(param, param) for param in rendered_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


# Placeholder values the fixed SQL is rendered with (never real ids or group names).
_AGENCY, _ROLE, _ONLY = -7_000_001, "<eligible-role>", -7_000_002


@functools.cache
def _eligible_sql(with_only: bool) -> tuple[str, tuple]:
    users = eligible_users(_AGENCY, _ROLE)
    if with_only:
        users = users.filter(pk=_ONLY)
    sql, params = users.values_list("pk", flat=True)[:2].query.sql_with_params()
    placeholders = {_AGENCY, _ROLE} | ({_ONLY} if with_only else set())
    assert placeholders <= set(params), "the rule's values must be SQL parameters"
    return sql, tuple(params)


@receiver(flow_started, sender=DossierFlow)
def on_flow_started(sender, process, task, **kwargs):
    """Save the new dossier inside viewflow's start transaction, now that its process has an id."""
    dossier = process.dossier
    dossier.process = process
    dossier.save(force_insert=True)
