"""The engine's lifecycle written by hand: the same rows and checks, no viewflow.

What a careful engineer would write without a workflow engine, over the same tables, so that
engine ÷ equivalent measures what viewflow costs and nothing else:

- the same dossier row (the services' own helpers build it: documents checked, the plan
  resolved, the code issued, the legal deadline computed), the same clock span;
- the same process row (the dossier and the work items point at it) and one work item per
  human task with the columns the engine writes: agency, role, step, owner (the eligible
  holder, same fixed SQL), due time and at-risk instant from `workflows.deadlines`, the
  allotted and the working seconds; the agency's hold on the dossier when the agency changes
  (`workflows.holds`); a finished item is updated in the columns that changed;
- each action in one transaction: the open work item loaded with its process and dossier in
  the statement that locks the process row (the services' `_load_open_task`), the actor's
  membership and the FSM transition's permission checked, one chained audit event
  (`audit.stage_event` / `save_event`, so the notification hook runs after commit as well).

It writes none of viewflow's own bookkeeping: no start or end task rows, no task-to-task link
rows, no process-level locks or savepoints beyond the action's transaction.
`tests/workflows/test_bench_equivalent.py` holds its rows equal to the engine's.
"""
from django.db import transaction

from workflows import access, audit, clock, deadlines, results, services, uploads
from workflows.errors import PermissionDenied, TransitionNotAllowed
from workflows.flows import DossierFlow, eligible_user_ids
from workflows.holds import record_hold
from workflows.models import Channel, CounterGuidance, DossierProcess, Outcome, WorkItem
from workflows.roles import Role
from workflows.statuses import Status

NEW, ASSIGNED, DONE = "NEW", "ASSIGNED", "DONE"


class _Action:
    """One user action: the service clock and one transaction (as the services' `_Action`)."""

    def __init__(self, now=None):
        self.now = now

    def __enter__(self):
        self._clock = clock.service_clock(self.now)
        self.now = self._clock.__enter__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(self, *exc):
        try:
            return self._atomic.__exit__(*exc)
        finally:
            self._clock.__exit__(None, None, None)


def _new_item(dossier, node, agency_id, role, now, *, step=None, assignee=None, after=None):
    """INSERT the next work item, planned and assigned, and the agency's hold on the dossier when it
    differs from the previous item's (`after`): what the engine's `RoutedView` does."""
    item = WorkItem(process_id=dossier.process_id, flow_task=node, flow_task_type="HUMAN",
                    agency_id=agency_id, role=role, data={})
    if step is not None:
        planned = dossier.plan[step]
        allotted = max(planned["allotted"] - planned.get("spent", 0), 0)
        cal = deadlines.calendar_for(dossier)
        item.step_index, item.allotted_seconds = step, allotted
        item.due_at = deadlines.step_due(cal, now, allotted)
        item.at_risk_at = deadlines.at_risk_instant(cal, now, item.due_at)
    eligible = eligible_user_ids(agency_id, role, only=assignee.pk if assignee else None)
    if assignee is not None and not eligible:
        raise PermissionDenied()
    owner = assignee.pk if assignee is not None else (eligible[0] if len(eligible) == 1 else None)
    if owner is not None:
        item.owner_id, item.status = owner, ASSIGNED
    item.save(force_insert=True)
    if agency_id != after:
        record_hold(dossier, agency_id)
    return item


def _finish(task, actor, now) -> int:
    """The actor completes the work item (claiming it if nobody holds it); its working seconds."""
    dossier = task.process.dossier
    fields = ["status", "started", "finished", "working_seconds"]
    if task.owner_id is None:
        if not access.can_take(actor, task):
            raise PermissionDenied()
        task.owner_id = actor.pk
        fields.append("owner")
    elif task.owner_id != actor.pk:
        raise PermissionDenied()
    spent = deadlines.working_seconds(deadlines.calendar_for(dossier), task.created, now)
    task.working_seconds, task.status, task.started, task.finished = spent, DONE, now, now
    task.save(update_fields=fields)
    return spent


def _next(dossier, now, assignee=None, after=None):
    """The route the engine's routers take, for the statuses this lifecycle reaches."""
    if dossier.status == Status.RESULT_READY:
        return _new_item(dossier, DossierFlow.return_result, dossier.return_agency_id, Role.CLERK, now, after=after)
    return _new_item(dossier, DossierFlow.process_step, dossier.plan[dossier.current_step]["agency"],
                     dossier.plan[dossier.current_step]["role"], now, step=dossier.current_step,
                     assignee=assignee, after=after)


def receive(*, actor, procedure, agency, applicant, document_ids, channel=Channel.COUNTER, note="", now=None):
    with _Action(now) as act:
        services._require_member(actor, agency.pk, Role.CLERK)
        documents = services._check_documents(procedure, document_ids)
        dossier, _secret = services._new_dossier(
            procedure=procedure, agency=agency, applicant=applicant, documents=documents,
            channel=channel, now=act.now, status=Status.RECEIVED)
        services._start_clock(dossier, act.now)
        guidances = services._earlier_guidances(dossier)  # counter guidances the dossier takes over
        dossier.guidance_count = len(guidances)
        event = audit.stage_event(dossier, actor=actor, action="receive", from_status="", note=note,
                                  data={"due_at": dossier.due_at.isoformat(), "channel": channel,
                                        **({"guidances": guidances} if guidances else {})},
                                  agency_id=dossier.receiving_agency_id)
        dossier.process = DossierProcess.objects.create(flow_class=DossierFlow, created=act.now)
        dossier.save(force_insert=True)
        _next(dossier, act.now)
        audit.save_event(event)
        if guidances:
            CounterGuidance.objects.filter(pk__in=guidances).update(dossier=dossier)
        services._begin_clock_span(dossier, act.now, first=True)
        return dossier


def start_processing(dossier, *, actor, now=None):
    with _Action(now):
        task = services._load_open_task(dossier)
        if task.flow_task != DossierFlow.process_step:
            raise TransitionNotAllowed()
        dossier = task.process.dossier
        from_status = dossier.status
        if task.owner_id is None:
            if not access.can_take(actor, task):
                raise PermissionDenied()
            task.owner_id, task.status = actor.pk, ASSIGNED
            task.save(update_fields=["owner", "status"])
        elif task.owner_id != actor.pk:
            raise PermissionDenied()
        if dossier.status == Status.RECEIVED:
            services._transition(dossier, "start_processing", actor)
        return services._record(dossier, actor=actor, action="start_processing", from_status=from_status,
                                fields=[], step_index=task.step_index, agency_id=task.agency_id)


def complete_step(dossier, *, actor, note="", next_assignee=None, now=None):
    with _Action(now) as act:
        task = services._load_open_task(dossier)
        if task.flow_task != DossierFlow.process_step:
            raise TransitionNotAllowed()
        dossier = task.process.dossier
        from_status = dossier.status
        services._transition(dossier, "complete_step", actor)
        dossier.current_step += 1
        spent = _finish(task, actor, act.now)
        _next(dossier, act.now, next_assignee, after=task.agency_id)
        return services._record(dossier, actor=actor, action="complete_step", from_status=from_status,
                                fields=["current_step"], step_index=task.step_index, agency_id=task.agency_id,
                                note=note, data=services._step_data(task, spent))


def decide(dossier, *, actor, outcome, reasons="", now=None):
    with _Action(now) as act:
        task = services._load_open_task(dossier)
        if task.flow_task != DossierFlow.process_step:
            raise TransitionNotAllowed()
        dossier = task.process.dossier
        if task.role != Role.LEADER:
            raise TransitionNotAllowed()
        from_status = dossier.status
        services._transition(dossier, "decide", actor)
        dossier.outcome, dossier.outcome_reasons, dossier.resolved_at = outcome, reasons.strip(), act.now
        spent = _finish(task, actor, act.now)
        _next(dossier, act.now, after=task.agency_id)
        data = {**services._step_data(task, spent), "outcome": outcome}
        if outcome == Outcome.GRANTED:  # the same result document as the engine's: product work, not engine cost
            written = []
            try:
                result = results.issue_result(dossier, actor=actor, agency=task.agency or dossier.receiving_agency,
                                              now=act.now, written=written)
            except BaseException:
                uploads.remove(written)
                raise
            data["result"] = {"code": result.result_code, "file": result.pk, "sha256": result.sha256}
        return services._record(dossier, actor=actor, action="decide", from_status=from_status,
                                fields=["outcome", "outcome_reasons", "resolved_at"], step_index=task.step_index,
                                agency_id=task.agency_id, note=reasons, data=data)


def return_result(dossier, *, actor, collected_by, note="", now=None):
    with _Action(now) as act:
        task = services._load_open_task(dossier)
        if task.flow_task != DossierFlow.return_result:
            raise TransitionNotAllowed()
        dossier = task.process.dossier
        services._transition(dossier, "return_result", actor)
        dossier.returned_at = dossier.closed_at = act.now
        dossier.collected_by = collected_by.strip()
        _finish(task, actor, act.now)
        process = task.process
        process.status, process.finished = DONE, act.now
        process.save(update_fields=["status", "finished"])
        return services._record(dossier, actor=actor, action="return_result", from_status=Status.RESULT_READY,
                                fields=["returned_at", "closed_at", "collected_by"], agency_id=task.agency_id,
                                note=note)
