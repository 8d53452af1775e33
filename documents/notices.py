"""The notices: Mẫu 02 (supplement request), 03 (refusal), 04 (apology: with a new appointment under
TT 01/2018, and request for extension under TT 03/2025) and, under TT 03/2025 only, 05 (stop notice,
Art. 7). Where the 2025 layout was not available the 2018 fields are kept (docs/forms.md)."""
from django.utils.translation import gettext_lazy as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from procedures.models import SupplementClockRule
from workflows.errors import TransitionNotAllowed
from workflows.frames import FRAME_2025, frame_of
from workflows.models import Outcome
from workflows.statuses import Status

from . import facts
from .layout import (
    PAPER_A5,
    Styles,
    build_pdf,
    esc,
    fmt_date,
    fmt_time_date,
    frame_width,
    line,
    national_heading,
    signatures,
)

# How the applicant asked to stop (the "stop" event's data["channel"]; NĐ 118/2025 Art. 21.1–21.2).
STOP_CHANNELS = {
    "counter": "Trực tiếp tại Bộ phận Một cửa",
    "postal": "Qua dịch vụ bưu chính",
    "online": "Trực tuyến trên Cổng Dịch vụ công quốc gia",
}


def _heading(st, width, agency, instant):
    return national_heading(st, width=width, agency_lines=facts.issuing_lines(agency),
                            place=facts.place_name(agency.unit), issued_at=instant)


def _applicant_lines(dossier, st, *, label="Hồ sơ của"):
    contact = f"Số điện thoại: <b>{esc(dossier.applicant_phone, '……………')}</b>"
    contact += f"    Thư điện tử: <b>{esc(dossier.applicant_email, '……………')}</b>"
    return [
        line(label, dossier.applicant_name, st),
        line("Địa chỉ", dossier.applicant_address, st),
        Paragraph(contact, st.body),
        Paragraph(f"Nội dung yêu cầu giải quyết: <b>{esc(dossier.procedure.name)}</b>", st.body),
    ]


def _build(story, dossier, *, form, agency):
    return build_pdf(story, pagesize=PAPER_A5, title=f"{form.heading} – {dossier.code}", author=agency.name,
                     subject=dossier.procedure.name, mark=form.basis, footer=form.footer(facts.footer_tail(dossier)))


def _sign(st, width, title, hint, name, position=""):
    return signatures(st, width=width, blocks=[("", "", ""), (title, hint, name, position)])


def render_supplement_request(dossier, *, form, **_ignored) -> bytes:
    evts = facts.events(dossier)
    event = facts.last_event(evts, "request_supplement")
    if event is None:
        raise TransitionNotAllowed(_("Hồ sơ không có yêu cầu bổ sung, hoàn thiện nên không có phiếu yêu cầu bổ sung."))
    st = Styles()
    width = frame_width(PAPER_A5)
    agency = event.agency or dossier.receiving_agency
    officer = facts.person(event.actor)
    phone = agency.phone or dossier.receiving_agency.phone
    appointment = facts.appointment_before(dossier, evts, event.seq)
    if dossier.procedure.supplement_clock_rule == SupplementClockRule.PAUSE:
        clock_note = "Thời hạn giải quyết tạm dừng trong thời gian chờ bổ sung và được cộng thêm khi nhận đủ hồ sơ."
    elif frame_of(dossier) is FRAME_2025:  # NĐ 118's article on this was not available: no citation
        clock_note = "Thời hạn giải quyết được tính lại từ đầu kể từ khi nhận đủ hồ sơ."
    else:
        clock_note = "Thời hạn giải quyết được tính lại từ đầu kể từ khi nhận đủ hồ sơ (khoản 4 Điều 19 NĐ 61/2018)."
    items = event.data.get("items") or []
    story = [
        _heading(st, width, agency, event.at),
        Paragraph(form.heading, st.title),
        Paragraph(f"Mã hồ sơ: <b>{esc(dossier.code)}</b>", st.subtitle),
        Spacer(1, 2 * mm),
        *_applicant_lines(dossier, st),
        Paragraph(f"Ngày tiếp nhận: <b>{esc(fmt_date(dossier.received_at))}</b>; ngày hẹn trả kết quả: "
                  f"<b>{esc(fmt_time_date(appointment))}</b>", st.body),
        Paragraph("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:", st.body),
        *[Paragraph(f"{n}. {esc(item)}", st.body) for n, item in enumerate(items, start=1)],
        line("Lý do", event.note, st),
        Paragraph(f"<i>{esc(clock_note)}</i>", st.body),
        Paragraph(
            f"Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với "
            f"<b>{esc(officer, '……………')}</b> – {esc(agency.name)}, số điện thoại "
            f"<b>{esc(phone, '……………')}</b> để được hướng dẫn./.", st.body,
        ),
        _sign(st, width, "NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", officer, facts.position(event.actor, agency)),
    ]
    return _build(story, dossier, form=form, agency=agency)


def render_counter_guidance(guidance, *, form) -> bytes:
    """Mẫu 02 issued at the counter before receipt (workflows.CounterGuidance): what the applicant must
    add or complete, once and in full, and whom to ask; there is no dossier code yet."""
    st = Styles()
    width = frame_width(PAPER_A5)
    agency = guidance.agency
    officer = facts.person(guidance.actor)
    contact = f"Số điện thoại: <b>{esc(guidance.applicant_phone, '……………')}</b>"
    story = [
        _heading(st, width, agency, guidance.issued_at),
        Paragraph(form.heading, st.title),
        Spacer(1, 2 * mm),
        line("Hồ sơ của", guidance.applicant_name, st),
        line("Số định danh cá nhân", guidance.applicant_id_number, st),
        Paragraph(contact, st.body),
        Paragraph(f"Nội dung yêu cầu giải quyết: <b>{esc(guidance.procedure.name)}</b> "
                  f"(mã thủ tục {esc(guidance.procedure_code)})", st.body),
        Paragraph("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:", st.body),
        *[Paragraph(f"{n}. {esc(item)}", st.body) for n, item in enumerate(guidance.items, start=1)],
        line("Lý do", guidance.note, st),
        Paragraph(
            f"Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với "
            f"<b>{esc(officer, '……………')}</b> – {esc(agency.name)}, số điện thoại "
            f"<b>{esc(agency.phone, '……………')}</b> để được hướng dẫn./.", st.body,
        ),
        _sign(st, width, "NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", officer, facts.position(guidance.actor, agency)),
    ]
    return build_pdf(story, pagesize=PAPER_A5, title=f"{form.heading} – {guidance.applicant_name}",
                     author=agency.name, subject=guidance.procedure.name, mark=form.basis,
                     footer=form.footer(f"Hướng dẫn lúc {fmt_time_date(guidance.issued_at)}"))


def render_refusal(dossier, *, form, **_ignored) -> bytes:
    denied = dossier.outcome == Outcome.DENIED
    if dossier.status != Status.REFUSED and not denied:
        raise TransitionNotAllowed(_("Hồ sơ không bị từ chối nên không có phiếu từ chối."))
    st = Styles()
    width = frame_width(PAPER_A5)
    evts = facts.events(dossier)
    event = facts.last_event(evts, "decide" if denied else "refuse", "refuse_at_counter")
    counter = dossier.receiving_agency
    agency = (event.agency if denied and event and event.agency else None) or counter
    story = [
        _heading(st, width, agency, event.at if event else dossier.closed_at),
        Paragraph(form.heading, st.title),
        Paragraph(f"Mã hồ sơ: <b>{esc(dossier.code)}</b>", st.subtitle),
        Spacer(1, 2 * mm),
        Paragraph(f"{esc(counter.name)} tiếp nhận hồ sơ của:", st.body),
        *_applicant_lines(dossier, st, label="Ông/Bà"),
    ]
    if dossier.received_at:
        story.append(Paragraph(
            f"Thời gian nhận hồ sơ: <b>{esc(fmt_time_date(dossier.received_at))}</b>; hẹn trả kết quả: "
            f"<b>{esc(fmt_time_date(dossier.due_at))}</b>", st.body))
    if denied:
        reason_intro = (f"Sau khi thẩm định hồ sơ theo quy định hiện hành, {esc(agency.name)} thông báo từ chối "
                        f"giải quyết hồ sơ này với lý do như sau:")
        signer = ("THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)")
    else:
        reason_intro = (f"Sau khi xem xét, đối chiếu thành phần hồ sơ với quy định hiện hành, {esc(counter.name)} "
                        f"thông báo từ chối tiếp nhận, giải quyết hồ sơ này với lý do như sau:")
        signer = ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)")
    story += [
        Paragraph(reason_intro, st.body),
        Paragraph(f"<b>{esc(dossier.outcome_reasons, '……………')}</b>", st.body),
        Paragraph("Xin thông báo để Ông/Bà biết và thực hiện./.", st.body),
        _sign(st, width, *signer, *facts.signer(event.actor if event else None, agency)),
    ]
    return _build(story, dossier, form=form, agency=agency)


def render_apology(dossier, *, form, **_ignored) -> bytes:
    evts = facts.events(dossier)
    event = facts.last_event(evts, "extend")
    if event is None:
        raise TransitionNotAllowed(_("Hồ sơ chưa được gia hạn nên không có phiếu xin lỗi và hẹn lại ngày trả."))
    st = Styles()
    width = frame_width(PAPER_A5)
    agency = event.agency or dossier.receiving_agency
    previous = facts.parse_instant(event.data.get("previous_due_at")) or dossier.original_due_at
    new_due = facts.parse_instant(event.data.get("new_due_at")) or dossier.due_at
    name = esc(agency.name)
    # TT 03/2025's Mẫu 04 is an apology *and request for extension*; the 2018 one sets a new appointment.
    if frame_of(dossier) is FRAME_2025:
        new_time, drawn_up = "đề nghị gia hạn thời gian giải quyết hồ sơ, hẹn trả kết quả vào:", "Người lập văn bản"
    else:
        new_time, drawn_up = "hẹn trả kết quả giải quyết hồ sơ vào:", "Người lập phiếu"
    story = [
        _heading(st, width, agency, event.at),
        Paragraph(form.heading, st.title),
        Paragraph(f"Mã hồ sơ: <b>{esc(dossier.code)}</b>", st.subtitle),
        Spacer(1, 3 * mm),
        Paragraph(f"Kính gửi: Ông/Bà <b>{esc(dossier.applicant_name)}</b>", st.body),
        Paragraph(
            f"Ngày <b>{esc(fmt_date(dossier.received_at))}</b>, {esc(dossier.receiving_agency.name)} tiếp nhận "
            f"hồ sơ đề nghị giải quyết thủ tục hành chính <b>{esc(dossier.procedure.name)}</b> của Ông/Bà; "
            f"mã hồ sơ <b>{esc(dossier.code)}</b>.", st.body),
        Paragraph(f"Thời hạn trả kết quả ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả: "
                  f"<b>{esc(fmt_time_date(previous))}</b>.", st.body),
        Paragraph(f"Tuy nhiên, {name} không thể trả kết quả giải quyết hồ sơ cho Ông/Bà đúng thời hạn trên. "
                  f"Lý do: <b>{esc(event.note, '……………')}</b>", st.body),
        Paragraph(f"Sự chậm trễ này gây phiền hà, tốn kém thời gian, chi phí đi lại của Ông/Bà. {name} trân trọng "
                  f"xin lỗi Ông/Bà và {new_time} <b>{esc(fmt_time_date(new_due))}</b>.", st.body),
        Paragraph("Mong nhận được sự thông cảm của Ông/Bà./.", st.body),
        _sign(st, width, "THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)", ""),
        Paragraph(f"<i>{drawn_up}: {esc(facts.person(event.actor))}</i>", st.small),
    ]
    return _build(story, dossier, form=form, agency=agency)


def render_stop_notice(dossier, *, form, **_ignored) -> bytes:
    """Thông báo dừng giải quyết hồ sơ (TT 03/2025 Art. 7): the receiving counter tells the applicant that
    handling stopped, as they asked (NĐ 118/2025 Art. 21; the "stop" event: reason, channel) or because
    the supplement was not brought in time (the "expire_supplement" event)."""
    evts = facts.events(dossier) if dossier.status == Status.STOPPED else []
    event = facts.last_event(evts, "stop", "expire_supplement")
    if event is None:
        raise TransitionNotAllowed(_("Hồ sơ không dừng giải quyết nên không có thông báo dừng giải quyết hồ sơ."))
    st = Styles()
    width = frame_width(PAPER_A5)
    agency = dossier.receiving_agency  # Art. 7: the counter where the dossier was received issues it
    name = esc(agency.name)
    if event.action == "stop":
        channel = STOP_CHANNELS.get(event.data.get("channel"), STOP_CHANNELS["counter"])
        grounds = [
            Paragraph(f"Ngày đề nghị dừng giải quyết: <b>{esc(fmt_date(event.at))}</b>; hình thức đề nghị: "
                      f"<b>{esc(channel)}</b>", st.body),
            line("Lý do đề nghị dừng giải quyết", event.note, st),
            Paragraph(
                f"Căn cứ Điều 21 Nghị định số 118/2025/NĐ-CP của Chính phủ và Điều 7 Thông tư số 03/2025/TT-VPCP, "
                f"hồ sơ chưa có quyết định giải quyết hoặc văn bản thông báo kết quả giải quyết, {name} thông báo "
                f"dừng giải quyết hồ sơ nêu trên theo đề nghị của Ông/Bà kể từ "
                f"<b>{esc(fmt_time_date(event.at))}</b>.", st.body),
        ]
    else:
        requested = facts.last_event(evts, "request_supplement")
        due = facts.parse_instant(event.data.get("supplement_due_at"))
        grounds = [
            Paragraph(f"Ngày yêu cầu bổ sung, hoàn thiện hồ sơ: <b>{esc(fmt_date(requested.at if requested else None))}"
                      f"</b>; hạn bổ sung: <b>{esc(fmt_time_date(due))}</b>", st.body),
            line("Nội dung yêu cầu bổ sung", "; ".join(requested.data.get("items", [])) if requested else "", st),
            Paragraph(
                f"Quá thời hạn bổ sung hồ sơ theo quy định của thủ tục mà Ông/Bà chưa bổ sung, hoàn thiện hồ sơ, "
                f"{name} thông báo dừng giải quyết hồ sơ nêu trên kể từ <b>{esc(fmt_time_date(event.at))}</b>.",
                st.body),
        ]
    story = [
        _heading(st, width, agency, event.at),
        Paragraph(form.heading, st.title),
        Paragraph(f"Mã hồ sơ: <b>{esc(dossier.code)}</b>", st.subtitle),
        Spacer(1, 2 * mm),
        Paragraph(f"Kính gửi: Ông/Bà <b>{esc(dossier.applicant_name)}</b>", st.body),
        *_applicant_lines(dossier, st)[1:],  # address, contact, the procedure
        Paragraph(f"Ngày tiếp nhận hồ sơ: <b>{esc(fmt_time_date(dossier.received_at))}</b>", st.body),
        *grounds,
        Paragraph("Xin thông báo để Ông/Bà biết./.", st.body),
        _sign(st, width, "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", *facts.signer(event.actor, agency)),
    ]
    return _build(story, dossier, form=form, agency=agency)
