"""Drive life-like dossiers through the real services, for demos and benchmarks.

Each dossier gets a schedule of actions at working instants (receipt, each step, maybe a
supplement round or an extension, the decision, the return); all actions of all dossiers
run in time order through `workflows.services` with the service clock set to their
instant. Actions later than `until` are left undone, so recent dossiers are still pending.

From 1/7/2025 (NĐ 118/2025) a steady share of the dossiers shows the rules of that day: received
regardless of administrative boundary (a counter receives a listed procedure for the competent unit
of another commune, or of the province), returned at another counter the citizen chose, filed by a
legal representative or an authorised person, stopped at the applicant's request before a decision.
Each share is drawn by `Quota`: deterministic by the seed, and present in a short run.

Paper dossiers have their mandatory components digitised at receipt (NĐ 118/2025 Art. 17.1.c): most
scanned (a one-page placeholder "bản quét"), some exempt, a few left undone; a citizen who comes again
(`id_number` sometimes returns an earlier applicant's) has their earlier scans reused. These draws come
from a second generator, so the dossiers themselves are the same as without digitisation.
"""
import heapq
import itertools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demo.fees import DemoFees
from digitisation import reuse as digitisation_reuse
from digitisation import services as digitisation
from digitisation.models import ExemptReason
from procedures.calendar import load_calendar
from procedures.models import AdministrativeUnit, Agency, CompetenceBasis, OnlineLevel, Procedure
from workflows import competence, frames, services
from workflows.errors import DomainError
from workflows.folding import fold
from workflows.models import ApplicantCapacity, Dossier, WorkItem
from workflows.roles import Role
from workflows.statuses import UNDECIDED_STATUSES

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Lò", "Tòng", "Giàng", "Vàng", "Sùng", "Đèo", "Lường"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "A", "Seo", "Thanh"]
GIVEN = ["An", "Bình", "Chung", "Dung", "Hà", "Hoa", "Khánh", "Lan", "Mai", "Nam", "Phương", "Sơn", "Tuấn"]
PLACES = ["Bản Nà Đon", "Bản Hoang Thèn", "Bản Phiêng Pẻn", "Bản Cò Lá", "Bản Thẩm Phé", "Tổ 5", "Tổ 12", "Tổ 17"]
ORGANISATIONS = ["Hợp tác xã Chè Bình Lư", "Hợp tác xã Dịch vụ nông nghiệp Sơn Bình",
                 "Công ty TNHH Thương mại Đoàn Kết", "Công ty TNHH Du lịch Sìn Hồ", "Hợp tác xã Rau an toàn Tân Phong"]
CIVIL_STATUS_FIELD = "ho-tich"  # a parent files for a minor child; elsewhere a representative files for an organisation
STOP_REASONS = ["Công dân không còn nhu cầu giải quyết", "Đề nghị dừng để hoàn thiện lại hồ sơ và nộp sau",
                "Gia đình đã thống nhất không tiếp tục thực hiện thủ tục"]

# Shares of the eligible dossiers (see the module docstring).
BOUNDLESS_SHARE = 0.15  # of a post-reform day's dossiers: received for another unit
RETURN_ELSEWHERE_SHARE = 0.10  # of post-reform dossiers: result returned at another counter
AUTHORISED_SHARE = 0.08  # filed by an authorised person (with the letter of authorisation)
LEGAL_REP_SHARE = 0.05  # filed by the legal representative of an organisation or of a minor
STOP_SHARE = 0.05  # of post-reform dossiers received at a counter: stopped at the applicant's request
RETURNING_SHARE = 0.25  # of applicants: one seen before, whose earlier scan this procedure can use
EXEMPT_SHARE = 0.08  # of paper components: exempt (TT 03/2025 Art. 5.2)
UNDIGITISED_SHARE = 0.04  # of paper components: not digitised (the counter falls behind)
SCAN_CHECKS = digitisation.Checks(counts=True, complete=True, order=True, legible=True)


@dataclass
class Route:
    counter: Agency
    procedure: Procedure
    competent_unit: AdministrativeUnit | None = None  # another unit's: received regardless of boundary


class Quota:
    """Takes a steady share of the cases offered, spread over them (systematic sampling from a seeded
    start): with share 0.05 every 20th case, the first somewhere among the first 20."""

    def __init__(self, share: float, rng: random.Random):
        self.share, self.level = share, rng.random()

    def take(self) -> bool:
        self.level += self.share
        if self.level >= 1:
            self.level -= 1
            return True
        return False


@dataclass
class SimulationReport:
    received: int = 0
    actions: int = 0
    skipped: int = 0
    paid_counter: int = 0  # dossiers whose fees were paid at the counter
    paid_online: int = 0  # … through the payment gateway


class Simulation:
    def __init__(self, *, seed: int = 1, until: datetime | None = None, stdout=None, payer=None):
        self.rng = random.Random(seed)
        # Its own generator, so the fees do not shift the other draws of a seed.
        self.fees = DemoFees(random.Random(seed + 1), payer)
        self.digit_rng = random.Random(seed * 7919 + 766)  # digitisation's draws: the dossiers stay the same
        self.names: dict[str, str] = {}
        self.scanned_by_name: dict[str, list[str]] = {}  # component name folded → ID numbers with its scan
        self._scans: dict[str, bytes] = {}
        self.until = until or timezone.now()
        self.stdout = stdout
        self.queue: list = []
        self.order = itertools.count()
        self.report = SimulationReport()
        self.staff = self._staff_by_agency_and_role()
        self.quotas = {name: Quota(share, self.rng) for name, share in (
            ("boundless", BOUNDLESS_SHARE), ("return_elsewhere", RETURN_ELSEWHERE_SHARE),
            ("authorised", AUTHORISED_SHARE), ("legal_rep", LEGAL_REP_SHARE), ("stop", STOP_SHARE))}
        self._plans = {}
        self.routes = self._routes()
        self.boundless_routes = self._boundless_routes()

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
        self.counters = [c for c in Agency.objects.filter(kind__is_one_stop_counter=True)
                         .select_related("unit__level", "kind") if self.staff.get((c.pk, Role.CLERK))]
        self.procedures = [p for p in Procedure.objects.select_related("field", "level")
                           .prefetch_related("steps", "documents") if p.time_limit_unit != "unspecified"]
        for counter in self.counters:
            for procedure in self.procedures:
                if procedure.level_id == counter.unit.level_id and self._staffed(procedure, counter.unit):
                    routes.append(Route(counter, procedure))
        return routes

    def _staffed(self, procedure: Procedure, unit: AdministrativeUnit) -> bool:
        """Does the procedure route from this competent unit to agencies that all have staff?"""
        key = (procedure.pk, unit.pk)
        if key not in self._plans:
            try:
                plan = services.resolve_plan(procedure, unit)
            except DomainError:
                plan = None
            self._plans[key] = plan is not None and all(self.staff.get((s["agency"], s["role"])) for s in plan)
        return self._plans[key]

    def _boundless_routes(self) -> list[Route]:
        """Counters × listed procedures × another unit with staff at the procedure's level: a dossier
        received here for that unit (NĐ 118/2025 Art. 14). Only versions in force from 1/7/2025."""
        units = {c.unit_id: c.unit for c in self.counters}
        routes = []
        for counter in self.counters:
            for procedure in self.procedures:
                if not procedure.boundless_receipt or (procedure.valid_to and procedure.valid_to <= frames.REFORM_DAY):
                    continue
                for unit in units.values():
                    if (unit.pk != counter.unit_id and unit.level_id == procedure.level_id
                            and not (unit.valid_to and unit.valid_to <= frames.REFORM_DAY)
                            and self._staffed(procedure, unit)):
                        routes.append(Route(counter, procedure, unit))
        return routes

    def routes_on(self, day) -> list[Route]:
        """The routes whose counter and receiving unit exist and whose procedure version is in force on `day`."""
        return [r for r in self.routes
                if _valid_on(r.counter, day) and _valid_on(r.counter.unit, day) and _valid_on(r.procedure, day)]

    def boundless_routes_on(self, day) -> list[Route]:
        """The routes receiving for another unit that the law allows on `day`."""
        return [r for r in self.boundless_routes
                if _valid_on(r.counter, day) and _valid_on(r.counter.unit, day) and _valid_on(r.competent_unit, day)
                and _valid_on(r.procedure, day) and competence.boundless_on(r.procedure, day)]

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
            routes, elsewhere = self.routes_on(day), self.boundless_routes_on(day)
            if not routes:
                continue
            for _ in range(per_day):
                boundless = elsewhere and self.quotas["boundless"].take()
                route = self.rng.choice(elsewhere if boundless else routes)
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

    def id_number(self, procedure: Procedure | None = None):
        """A new citizen's ID number; for the applicant of `procedure`, sometimes one who came before
        with a scan of a component this procedure needs too (so the counter reuses it)."""
        fresh = f"0{self.rng.randrange(10**10, 10**11)}"
        if procedure is not None and self.digit_rng.random() < RETURNING_SHARE:
            earlier = [number for doc in procedure.documents.all() if doc.is_mandatory
                       for number in self.scanned_by_name.get(fold(doc.name), [])]
            if earlier:
                return self.digit_rng.choice(earlier)
        return fresh

    def address(self, unit: AdministrativeUnit):
        return f"{self.rng.choice(PLACES)}, {unit.name[:1].lower()}{unit.name[1:]}, tỉnh Lai Châu"

    def applicant(self, route: Route, day) -> services.Applicant:
        """Who files: mostly the subject themselves; some a representative or an authorised person.
        Received for another unit, the subject lives (or the land lies) there."""
        procedure = route.procedure
        home = route.competent_unit or route.counter.unit
        if procedure.level.code == "province":
            home = None
        name, address = self.person(), self.address(home) if home else ""
        fields = {"name": name, "id_number": self.id_number(procedure),
                  "phone": f"09{self.rng.randrange(10**7, 10**8)}"}
        fields["name"] = name = self.names.setdefault(fields["id_number"], name)  # who came again keeps their name
        if self.quotas["authorised"].take():
            issued = day - timedelta(days=self.rng.randrange(2, 60))
            subject_address = address if procedure.competence_basis == CompetenceBasis.RESIDENCE else ""
            return services.Applicant(
                **fields, capacity=ApplicantCapacity.AUTHORISED, subject_name=self.person(),
                subject_id_number=self.id_number(), subject_address=subject_address,
                address=self.address(route.counter.unit) if home else "",
                authorisation=f"Văn bản ủy quyền số {self.rng.randrange(1, 300)}/UQ ngày {issued:%d/%m/%Y}, "
                              "có chứng thực chữ ký")
        if self.quotas["legal_rep"].take():
            if procedure.field.code == CIVIL_STATUS_FIELD:
                subject, subject_id = f"{name.split()[0]} {self.rng.choice(MIDDLE)} {self.rng.choice(GIVEN)}", ""
            else:  # the organisation's tax code (mã số doanh nghiệp, 62… in Lai Châu)
                subject, subject_id = self.rng.choice(ORGANISATIONS), f"6200{self.rng.randrange(10**5, 10**6)}"
            return services.Applicant(**fields, address=address, capacity=ApplicantCapacity.LEGAL_REPRESENTATIVE,
                                      subject_name=subject, subject_id_number=subject_id, subject_address=address)
        return services.Applicant(**fields, address=address)

    def return_agency(self, counter: Agency, day) -> Agency | None:
        """Another counter of the province with clerks, when the citizen collects the result elsewhere."""
        if not frames.frame_on(day).receives_regardless_of_boundary or not self.quotas["return_elsewhere"].take():
            return None
        staffed = {c.pk for c in self.counters}
        points = [a for a in competence.return_points(counter, day) if a.pk in staffed and a.pk != counter.pk]
        return self.rng.choice(points) if points else None

    def do_receive(self, instant, route: Route):
        procedure, counter = route.procedure, route.counter
        day = timezone.localtime(instant).date()
        applicant = self.applicant(route, day)
        returning = self.return_agency(counter, day)
        clerk = self.rng.choice(self.staff[(counter.pk, Role.CLERK)])
        docs = [d.pk for d in procedure.documents.all() if d.is_mandatory]
        where = {"competent_unit": route.competent_unit, "return_agency": returning}
        if procedure.online_level != OnlineLevel.NONE and self.rng.random() < 0.35:
            dossier = services.submit_online(procedure=procedure, agency=counter, applicant=applicant,
                                             document_ids=docs, now=instant, **where).dossier
            self.fees.online(dossier, instant)
            self.schedule(instant + timedelta(hours=self.rng.choice([1, 3, 20])), self.do_accept, dossier.pk)
        else:
            # Most dossiers come to the counter; some by post, some recorded outside the counter.
            channel = self.rng.choices(["counter", "postal", "outside"], weights=[86, 5, 9])[0]
            dossier = services.receive(actor=clerk, procedure=procedure, agency=counter, applicant=applicant,
                                       document_ids=docs, channel=channel, now=instant, **where).dossier
            self.fees.at_counter(dossier, clerk, instant)
            self.digitise_components(dossier, clerk, instant)
            if frames.frame_on(day).applicant_may_stop and self.quotas["stop"].take():
                # The applicant comes back before a decision and asks to stop (NĐ 118/2025 Art. 21).
                cal = load_calendar(dossier.competent_unit_id)
                asked = cal.add_working_time(instant, timedelta(hours=self.rng.choice([0.5, 1, 2, 4])))
                self.schedule(asked, self.do_stop, dossier.pk)
            else:
                self.schedule(self.later(dossier, instant), self.do_step, dossier.pk)
        self.report.received += 1

    def scan(self, name: str) -> SimpleUploadedFile:
        """A one-page placeholder scan ("bản quét") naming the component, made once per name."""
        if name not in self._scans:
            from io import BytesIO

            from reportlab.lib.pagesizes import A4
            from reportlab.pdfgen import canvas

            from documents.layout import FONT, register_fonts

            register_fonts()
            out = BytesIO()
            page = canvas.Canvas(out, pagesize=A4, invariant=True)  # invariant: the same bytes every run
            page.setFont(FONT, 14)
            page.drawString(60, 780, "Bản quét (dữ liệu mô phỏng)")
            page.setFont(FONT, 11)
            page.drawString(60, 756, name[:90])
            page.showPage()
            page.save()
            self._scans[name] = out.getvalue()
        return SimpleUploadedFile("ban-quet.pdf", self._scans[name], content_type="application/pdf")

    def digitise_components(self, dossier, clerk, instant):
        """Each mandatory component of a paper dossier: reused if the citizen's earlier scan is offered,
        else mostly scanned, some exempt, a few left undone."""
        documents = [d for d in dossier.procedure.documents.all() if d.is_mandatory]
        offered = {}
        number = dossier.applicant_id_number
        if number and any(number in self.scanned_by_name.get(fold(d.name), ()) for d in documents):
            offered = digitisation_reuse.offers(dossier, documents)  # one query, only for a returning citizen
        for doc in documents:
            roll = self.digit_rng.random()
            if offered.get(doc.pk):
                digitisation.reuse(dossier, actor=clerk, required_document=doc, file_id=offered[doc.pk][0].file.pk,
                                   now=instant)
            elif roll < UNDIGITISED_SHARE:
                continue
            elif roll < UNDIGITISED_SHARE + EXEMPT_SHARE:
                digitisation.exempt(dossier, actor=clerk, required_document=doc, now=instant,
                                    reason=self.digit_rng.choice(ExemptReason.values))
            else:
                digitisation.digitise(dossier, actor=clerk, required_document=doc, upload=self.scan(doc.name),
                                      pages=1, originals=self.digit_rng.choice([0, 1]), copies=1,
                                      checks=SCAN_CHECKS, now=instant)
                holders = self.scanned_by_name.setdefault(fold(doc.name), [])
                if number and number not in holders:
                    holders.append(number)

    def do_stop(self, instant, pk):
        dossier = Dossier.objects.get(pk=pk)
        if dossier.status not in UNDECIDED_STATUSES:
            return
        clerk = self.rng.choice(self.staff[(dossier.receiving_agency_id, Role.CLERK)])
        channel = self.rng.choices(["counter", "postal", "online"], weights=[70, 10, 20])[0]
        services.stop(dossier, actor=clerk, reason=self.rng.choice(STOP_REASONS), channel=channel, now=instant)

    def do_accept(self, instant, pk):
        dossier = Dossier.objects.get(pk=pk)
        task, clerk = self.actor_for(dossier)
        if self.rng.random() < 0.05:
            services.refuse(dossier, actor=clerk, reasons="Hồ sơ không thuộc thẩm quyền", now=instant)
            return
        dossier = services.accept_online(dossier, actor=clerk, now=instant)
        self.fees.at_counter(dossier, clerk, instant)  # what the citizen did not pay online
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


def simulate(*, days: int, per_day: int, seed: int = 1, until=None, stdout=None, payer=None) -> SimulationReport:
    """`payer`: a demo.fees.OnlinePayer with a running gateway; without one nobody pays online."""
    sim = Simulation(seed=seed, until=until, stdout=stdout, payer=payer)
    sim.plan_days(days, per_day)
    report = sim.run()
    report.paid_counter, report.paid_online = sim.fees.paid_counter, sim.fees.paid_online
    return report
