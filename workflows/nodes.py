"""viewflow node types for the dossier flow.

- `RoutedView`: a human task whose next node is chosen by a router method of the flow
  (an exclusive gateway folded into the task). The dossier's plan decides the route;
  folding it in saves the gateway's task row and queries on every step.
- `RoutedStartHandle`: the same for the headless start.
- Work items are created with their agency, role, step, due time and, when possible,
  their owner already set (one INSERT, no separate assign transaction).
"""
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.base import Edge
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.nodes.view import ViewActivation

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


class RoutedViewActivation(ViewActivation):
    @Activation.status.super()
    def create_next(self):
        node = self.flow_task._router(self)
        if node is not None:
            yield node._create(self, self.task.token)


class RoutedStartActivation(StartHandleActivation):
    @Activation.status.super()
    def create_next(self):
        node = self.flow_task._router(self)
        if node is not None:
            yield node._create(self, self.task.token)


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
