"""A few petitions (phản ánh, kiến nghị) at the demo counters, one in each state, through the real
services (petitions.services) at instants before `until`: the handlers' inbox and the public list
of answers have something to show. Deterministic; run by `simulate` after the dossiers."""
from datetime import datetime, timedelta

from petitions import services
from petitions.models import Petition
from petitions.rules import calendar_of
from procedures.models import Agency
from workflows.models import Dossier, StaffMembership
from workflows.roles import Role
from workflows.statuses import Status

TEXTS = [
    ("conduct", "Cán bộ tại quầy hướng dẫn chưa rõ thành phần hồ sơ, tôi phải đi lại hai lần."),
    ("handling", "Hồ sơ của tôi đã quá ngày hẹn nhưng chưa nhận được thông báo."),
    ("regulation", "Đề nghị giảm bớt bản sao giấy tờ đã có trong cơ sở dữ liệu dân cư."),
    ("other", "Khu vực chờ chưa có đủ ghế ngồi cho người cao tuổi."),
    ("handling", "Đề nghị trả kết quả qua bưu chính cho người ở bản xa."),
    ("conduct", "Cán bộ tiếp nhận nhiệt tình; đề nghị bố trí thêm quầy vào buổi sáng."),
    ("handling", "Tôi vẫn chưa đồng ý với trả lời trước đây về việc chậm trả kết quả."),
]
ANSWER = "Trung tâm đã kiểm tra, chấn chỉnh và bố trí thêm cán bộ hướng dẫn vào giờ cao điểm."
PERSONS = ["Lò Văn Sơn", "Tòng Thị Hoa", "Giàng A Chung", "Vàng Thị Mai", "Đèo Văn Nam", "Lường Thị Lan",
           "Lò Văn Sơn"]


def _counters_with_clerks() -> list[tuple[Agency, object]]:
    rows = (StaffMembership.objects.filter(agency__kind__is_one_stop_counter=True, user__groups__name=Role.CLERK,
                                           user__is_active=True)
            .select_related("agency__unit", "user").order_by("agency__name", "user__username"))
    seen, out = set(), []
    for m in rows:
        if m.agency_id not in seen:
            seen.add(m.agency_id)
            out.append((m.agency, m.user))
    return out


def seed_petitions(until: datetime) -> int:
    """Seven petitions: received, awaiting information, refused, answered, published (about a returned
    dossier when there is one), disliked, and one raising the disliked one again. Returns how many."""
    counters = _counters_with_clerks()
    if not counters or Petition.objects.exists():
        return 0
    returned = set(Dossier.objects.filter(status=Status.RETURNED).values_list("receiving_agency_id", flat=True)
                   .distinct()[:1000])
    agency, clerk = next(((a, u) for a, u in counters if a.pk in returned), counters[0])
    cal = calendar_of(agency)

    def step(start, hours):
        return cal.add_working_time(start, timedelta(hours=hours))

    first = cal.start_of_counting(until - timedelta(days=30))
    made, previous = [], None
    for i, (kind, text) in enumerate(TEXTS):
        received = step(first, 8 * 2 * i)
        if received > until:
            break
        dossier = None
        if i == 4:
            dossier = Dossier.objects.filter(receiving_agency=agency, status=Status.RETURNED).order_by("pk").first()
        if dossier is not None:
            p = services.record_complaint(dossier, actor=clerk, text=text, now=received,
                                          petitioner_name=PERSONS[i], classification=kind)
        else:
            p = services.receive(text=text, agency=agency, channel="public", petitioner_name=PERSONS[i],
                                 petitioner_contact=f"09{12345670 + i}", classification=kind, now=received,
                                 re_raised_from=previous if i == 6 else None)
        later = [step(received, 8 * k) for k in (1, 2, 3)]
        if any(t > until for t in later):
            made.append(p)
            continue
        if i == 1:
            services.ask_for_more(p, actor=clerk, text="Đề nghị cho biết ngày, giờ đến quầy.", now=later[0])
        elif i == 2:
            services.refuse(p, actor=clerk, reason="Nội dung không thuộc phạm vi giải quyết của Trung tâm.",
                            now=later[0])
        elif i in (3, 4, 5):
            services.answer(p, actor=clerk, answer=ANSWER, now=later[0])
            if i in (4, 5):
                services.publish(p, actor=clerk, now=later[1])
            if i == 5:
                services.record_dislike(p, actor=clerk, note="Người phản ánh gọi điện", now=later[2])
                previous = p
        made.append(p)
    return len(made)
