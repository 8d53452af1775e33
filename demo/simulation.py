"""Drive life-like dossiers through the real services, for demos and benchmarks.

Each dossier gets a schedule of actions at working instants (receipt, each step, maybe a
supplement round or an extension, the decision, the return); all actions of all dossiers
run in time order through `workflows.services` with the service clock set to their
instant. Actions later than `until` are left undone, so recent dossiers are still pending.
"""
import heapq
import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from procedures.calendar import load_calendar
from procedures.models import Agency, OnlineLevel, Procedure
from workflows import services
from workflows.errors import DomainError
from workflows.models import Dossier, WorkItem
from workflows.roles import Role

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Lò", "Tòng", "Giàng", "Vàng", "Sùng", "Đèo", "Lường"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "A", "Seo", "Thanh"]
GIVEN = ["An", "Bình", "Chung", "Dung", "Hà", "Hoa", "Khánh", "Lan", "Mai", "Nam", "Phương", "Sơn", "Tuấn"]


@dataclass
class Route:
    counter: Agency
    procedure: Procedure


@dataclass
class SimulationReport:
    received: int = 0
    actions: int = 0
    skipped: int = 0


class Simulation:
    def __init__(self, *, seed: int = 1, until: datetime | None = None, stdout=None):
        self.rng = random.Random(seed)
        self.until = until or timezone.now()
        self.stdout = stdout
        self.queue: list = []
        self.order = itertools.count()
        self.report = SimulationReport()
        self.staff = self._staff_by_agency_and_role()
        self.routes = self._routes()

    # --- setup -------------------------------------------------------------------------

    def _staff_by_agency_and_role(self):
        staff = {}
        for user in get_user_model().objects.filter(is_active=True).prefetch_related("memberships", "groups"):
            roles = {g.name for g in user.groups.all()}
            for membership in user.memberships.all():
                for role in roles:
                    staff.setdefault((membership.agency_id, role), []).append(user)
        return staff

    def _routes(self) -> list[Route]:
        """Counters with clerks × procedure versions of their level whose every step has staff.

        Every version, not only today's: each simulated day draws from the routes valid that day
        (`routes_on`), so days before 1/7/2025 run on the three-tier province and later days on
        the two-tier one.
        """
        routes = []
        counters = Agency.objects.filter(kind__is_one_stop_counter=True).select_related("unit__level")
        procedures = list(Procedure.objects.prefetch_related("steps", "documents"))
        for counter in counters:
            if not self.staff.get((counter.pk, Role.CLERK)):
                continue
            for procedure in procedures:
                if procedure.level_id != counter.unit.level_id or procedure.time_limit_unit == "unspecified":
                    continue
                try:
                    plan = services.resolve_plan(procedure, counter.unit)
                except DomainError:
                    continue
                if all(self.staff.get((step["agency"], step["role"])) for step in plan):
                    routes.append(Route(counter, procedure))
        return routes

    def routes_on(self, day) -> list[Route]:
        """The routes whose receiving unit exists and whose procedure version is in force on `day`."""
        return [r for r in self.routes if _valid_on(r.counter.unit, day) and _valid_on(r.procedure, day)]

    # --- scheduling --------------------------------------------------------------------

    def schedule(self, instant, action, *args):
        heapq.heappush(self.queue, (instant, next(self.order), action, args))

    def working_instant(self, cal, day, rng):
        start = datetime.combine(day, cal.spans[0][0], tzinfo=cal.tz)
        return cal.add_working_time(start, timedelta(minutes=rng.randrange(0, 7 * 60)))

    def plan_days(self, days: int, per_day: int):
        if not self.routes:
            raise DomainError("No counter has clerks and routable procedures: load the demo first.")
        cal = load_calendar(None)
        day = timezone.localtime(self.until).date()
        working_days = []
        while len(working_days) < days:
            if cal.is_working_day(day):
                working_days.append(day)
            day -= timedelta(days=1)
        for day in reversed(working_days):
            routes = self.routes_on(day)
            if not routes:
                continue
            for _ in range(per_day):
                route = self.rng.choice(routes)
                self.schedule(self.working_instant(cal, day, self.rng), self.do_receive, route)

    def run(self):
        while self.queue:
            instant, _n, action, args = heapq.heappop(self.queue)
            if instant > self.until:
                continue
            try:
                action(instant, *args)
                self.report.actions += 1
            except DomainError as exc:
                self.report.skipped += 1
                if self.stdout:
                    self.stdout.write(f"  skipped {action.__name__}: {exc}")
        return self.report

    # --- actions -----------------------------------------------------------------------

    def person(self):
        return f"{self.rng.choice(FAMILY)} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}"

    def later(self, dossier, instant, share_of_step=1.0):
        """A plausible next instant: most work finishes within its allotment, some overruns."""
        cal = load_calendar(dossier.competent_unit_id)  # cached per process by load_calendar
        factor = self.rng.choice([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.5])
        task = WorkItem.objects.open_for(dossier).first()
        allotted = (task.allotted_seconds or 3600) if task else 3600
        return cal.add_working_time(instant, timedelta(seconds=max(600, allotted * factor * share_of_step)))

    def actor_for(self, dossier):
        task = WorkItem.objects.open_for(dossier).first()
        if task is None:
            return None, None
        if task.owner_id:
            return task, get_user_model().objects.get(pk=task.owner_id)
        return task, self.rng.choice(self.staff[(task.agency_id, task.role)])

    def do_receive(self, instant, route: Route):
        procedure, counter = route.procedure, route.counter
        applicant = services.Applicant(
            name=self.person(), id_number=f"0{self.rng.randrange(10**10, 10**11)}",
            phone=f"09{self.rng.randrange(10**7, 10**8)}",
        )
        clerk = self.rng.choice(self.staff[(counter.pk, Role.CLERK)])
        docs = [d.pk for d in procedure.documents.all() if d.is_mandatory]
        if procedure.online_level != OnlineLevel.NONE and self.rng.random() < 0.35:
            dossier = services.submit_online(procedure=procedure, agency=counter, applicant=applicant,
                                             document_ids=docs, now=instant).dossier
            self.schedule(instant + timedelta(hours=self.rng.choice([1, 3, 20])), self.do_accept, dossier.pk)
        else:
            # Most dossiers come to the counter; some by post, some recorded outside the counter.
            channel = self.rng.choices(["counter", "postal", "outside"], weights=[86, 5, 9])[0]
            dossier = services.receive(actor=clerk, procedure=procedure, agency=counter, applicant=applicant,
                                       document_ids=docs, channel=channel, now=instant).dossier
            self.schedule(self.later(dossier, instant), self.do_step, dossier.pk)
        self.report.received += 1

    def do_accept(self, instant, pk):
        dossier = Dossier.objects.get(pk=pk)
        task, clerk = self.actor_for(dossier)
        if self.rng.random() < 0.05:
            services.refuse(dossier, actor=clerk, reasons="Hồ sơ không thuộc thẩm quyền", now=instant)
            return
        dossier = services.accept_online(dossier, actor=clerk, now=instant)
        self.schedule(self.later(dossier, instant), self.do_step, pk)

    def do_step(self, instant, pk):
        dossier = Dossier.objects.select_related("procedure").get(pk=pk)
        task, actor = self.actor_for(dossier)
        if task is None:
            return
        roll = self.rng.random()
        if roll < 0.08 and dossier.supplement_count == 0:
            dossier = services.request_supplement(dossier, actor=actor, items=["Bản sao giấy tờ tùy thân"],
                                                  reason="Hồ sơ chưa đầy đủ", now=instant)
            back = self.later(dossier, instant, share_of_step=2.0)
            self.schedule(back, self.do_supplement, pk)
            return
        if roll < 0.12 and dossier.extension_count == 0 and dossier.due_at:
            cal = load_calendar(dossier.competent_unit_id)
            if cal.working_time_between(instant, dossier.due_at) >= cal.working_day_length:
                services.extend(dossier, actor=actor, new_due_at=cal.add_working_time(
                    dossier.due_at, cal.working_day_length * 3), reason="Cần xác minh thêm", now=instant)
                dossier = Dossier.objects.get(pk=pk)
        if dossier.has_next_step:
            dossier = services.complete_step(dossier, actor=actor, note="Đã xử lý", now=instant)
            self.schedule(self.later(dossier, instant), self.do_step, pk)
        else:
            outcome = "denied" if self.rng.random() < 0.05 else "granted"
            services.decide(dossier, actor=actor, outcome=outcome,
                            reasons="Không đủ điều kiện" if outcome == "denied" else "", now=instant)
            cal = load_calendar(dossier.competent_unit_id)
            pickup = timedelta(hours=self.rng.choice([0.25, 0.5, 1, 2, 4, 12]))  # citizens come back soon
            self.schedule(cal.add_working_time(instant, pickup), self.do_return, pk)

    def do_supplement(self, instant, pk):
        dossier = Dossier.objects.get(pk=pk)
        _task, clerk = self.actor_for(dossier)
        dossier = services.supplement_received(dossier, actor=clerk, now=instant)
        self.schedule(self.later(dossier, instant), self.do_step, pk)

    def do_return(self, instant, pk):
        dossier = Dossier.objects.get(pk=pk)
        _task, clerk = self.actor_for(dossier)
        services.return_result(dossier, actor=clerk, collected_by=dossier.applicant_name, now=instant)


def _valid_on(row, day) -> bool:
    """A row with validity dates [valid_from, valid_to) exists on `day` (None: unbounded)."""
    return (row.valid_from is None or row.valid_from <= day) and (row.valid_to is None or day < row.valid_to)


def simulate(*, days: int, per_day: int, seed: int = 1, until=None, stdout=None) -> SimulationReport:
    sim = Simulation(seed=seed, until=until, stdout=stdout)
    sim.plan_days(days, per_day)
    return sim.run()
