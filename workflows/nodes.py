"""viewflow node types for the dossier flow.

- `RoutedView`: a human task whose next node is chosen by a router method of the flow
  (an exclusive gateway folded into the task). The dossier's plan decides the route;
  folding it in saves the gateway's task row and queries on every step.
- `RoutedStartHandle`: the same for the headless start.
- Work items are created with their agency, role, step, due time and, when possible,
  their owner already set (one INSERT, no separate assign transaction).

Only the rows the site reads are written (docs/performance.md, "Dossier lifecycle"): the
process row and one work item per human task. viewflow's own bookkeeping is left out: no
task-to-task link rows (`previous`: the flow is a line, a process's work items in `created`
order are its history), no row for the start event nor for the end event (the process row
records both instants), no savepoint or flow lock around a process nobody else can see yet.
A task's UPDATE sets only the columns that changed since it was read. A task at another agency
than the previous one records that agency's hold on the dossier (`workflows.holds`).
"""
import copy

from django.db import transaction
from django.utils.timezone import now
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.base import Edge
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import flow_finished, flow_started, task_finished, task_started
from viewflow.workflow.status import PROCESS, STATUS

from .holds import record_hold
from .membership import can_claim


class RoutedNodeMixin:
    def Route(self, router, targets):
        """Choose the next node with `router(activation) -> node | None` among `targets`."""
        self._router = router
        self._route_targets = list(targets)
        return self

    def _resolve(self, instance):
        super()._resolve(instance)
        self._router = this.resolve(instance, getattr(self, "_router", None))
        self._route_targets = [this.resolve(instance, t) for t in getattr(self, "_route_targets", [])]

    def _outgoing(self):
        yield from super()._outgoing()
        for target in self._route_targets:
            yield Edge(src=self, dst=target, edge_class="cond_true")


def _create_next(activation):
    """Create the routed next task; reaching the End node finishes the process instead.

    viewflow's End node would INSERT an end task, count the process's unfinished tasks inside a
    savepoint, UPDATE every column of the process and then of the end task. Here one task is
    open at a time and it has just finished, so the process is done: one two-column UPDATE.
    """
    node = activation.flow_task._router(activation)
    if node is None:
        return
    if isinstance(node, flow.End):
        process = activation.process
        process.status, process.finished = PROCESS.DONE, now()
        process.save(update_fields=["status", "finished"])
        flow_finished.send(sender=activation.flow_class, process=process, task=activation.task)
        return
    yield node._create(activation, activation.task.token)


_COLUMNS: dict[type, tuple[str, ...]] = {}


def _columns(task) -> tuple[str, ...]:
    cls = type(task)
    if cls not in _COLUMNS:
        _COLUMNS[cls] = tuple(f.attname for f in cls._meta.concrete_fields if not f.primary_key)
    return _COLUMNS[cls]


def _values(task) -> dict:
    """The task's loaded values; JSON copied, since `data` may be changed in place."""
    values = task.__dict__.copy()
    data = values.get("data")
    if isinstance(data, dict | list):
        values["data"] = copy.deepcopy(data) if data else type(data)()
    return values


class ChangedColumnsMixin:
    """Task saves that UPDATE only the columns changed since the task was read or last saved."""

    def __init__(self, task):
        super().__init__(task)
        self._saved = _values(task) if task.pk is not None else None

    def _save_task(self):
        task = self.task
        if self._saved is None:
            task.save()
        else:
            current, saved = task.__dict__, self._saved
            changed = [name for name in _columns(task) if current.get(name) != saved.get(name)]
            if changed:
                task.save(update_fields=changed)
        self._saved = _values(task)


class RoutedViewActivation(ChangedColumnsMixin, ViewActivation):
    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        """INSERT the new task planned and, when possible, assigned; no link row to the previous one."""
        task = flow_task.flow_class.task_class(
            process=prev_activation.process, flow_task=flow_task, token=token,
            data=data if data is not None else {},
        )
        activation = cls(task)
        owner_permission = flow_task.calc_owner_permission(activation)
        if owner_permission:
            task.owner_permission = owner_permission
            task.owner_permission_obj = flow_task.calc_owner_permission_obj(activation)
        owner = flow_task.calc_owner(activation)
        if owner:
            task.owner, task.status = owner, STATUS.ASSIGNED
        task.save(force_insert=True)
        if task.agency_id is not None and task.agency_id != getattr(prev_activation.task, "agency_id", None):
            record_hold(task.process.dossier, task.agency_id)
        activation._saved = _values(task)
        if flow_task._on_create is not None:
            flow_task._on_create(activation)
        return activation

    @Activation.status.super()
    def assign(self, user):
        self.task.owner = user
        self._save_task()

    @Activation.status.super()
    def unassign(self):
        self.task.owner = None
        self._save_task()

    @Activation.status.super()
    def reassign(self, user=None):
        if user:
            self.task.owner = user
        self._save_task()

    @Activation.status.super()
    def complete(self):
        self.task.finished = now()
        self._save_task()
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)

    @Activation.status.super()
    def cancel(self):
        self.task.finished = now()
        self._save_task()

    @Activation.status.super()
    def create_next(self):
        yield from _create_next(self)


class RoutedStartActivation(StartHandleActivation):
    @Activation.status.super()
    def execute(self):
        """Start the process inside the caller's transaction (no savepoint), without the flow lock:
        nobody else can see the new process until that transaction commits."""
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        with transaction.atomic(savepoint=False):
            self.process.save()
            self.complete()
            flow_started.send(sender=self.flow_class, process=self.process, task=self.task)
            self.activate_next()

    @Activation.status.super()
    def complete(self):
        """The start event is recorded by the process row (`created`): no task row of its own."""
        self.task.finished = now()
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)

    @Activation.status.super()
    def create_next(self):
        yield from _create_next(self)


class RoutedStartHandle(RoutedNodeMixin, flow.StartHandle):
    activation_class = RoutedStartActivation


class RoutedView(RoutedNodeMixin, flow.View):
    """A work item (công việc) for an agency and role.

    `plan(activation)` fills the new task's agency, role, step and due time before its
    INSERT; the owner is the assignee the service asked for, else the only eligible member
    of the agency, else nobody (the task waits in the agency's queue).
    """

    activation_class = RoutedViewActivation

    def __init__(self, plan, **kwargs):
        super().__init__(view=None, **kwargs)
        self._plan = plan
        self._owner = this.choose_owner

    def _resolve(self, instance):
        super()._resolve(instance)
        self._plan = this.resolve(instance, self._plan)

    def calc_owner(self, activation):
        # The one hook viewflow calls before the task's INSERT: fill the work spec here.
        self._plan(activation)
        return super().calc_owner(activation)

    def can_assign(self, user, task):
        return can_claim(user, task)

    def can_execute(self, user, task):
        return task.owner_id == user.pk
