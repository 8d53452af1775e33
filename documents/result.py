"""The electronic result (kết quả giải quyết điện tử) the leader's decision produces.

    render_result(dossier, *, code, agency, signer, decided_at) -> bytes
        An A4 PDF in the style of the forms: the national heading with the deciding agency and the
        result's number (its code, workflows.codes.format_result_code), the result type from the
        procedure's catalog entry ("kết quả thực hiện", Procedure.result_document), the dossier's
        code, the applicant (and the subject they filed for), the decision's date and the signer's
        name and title. Pure: reads the dossier, writes nothing; `workflows.results` signs and
        stores it (docs/decisions/0028-result-document.md).

The bytes depend only on the arguments (reportlab's invariant mode), so a result rendered twice for
the same decision is the same file before signing.
"""
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from . import facts
from .layout import Styles, build_pdf, esc, fmt_date, frame_width, line, national_heading, signatures, upper

PAPER_A4 = A4
TITLE = "Kết quả giải quyết thủ tục hành chính"
HEAD_OF_AGENCY = "Thủ trưởng cơ quan"
GENERIC_RESULT = "Văn bản chấp thuận kết quả giải quyết thủ tục hành chính"


def result_types(procedure) -> list[str]:
    """The result(s) the catalog names for the procedure, one per line; a generic name without one."""
    lines = [text.strip(" \t-•;") for text in (procedure.result_document or "").splitlines()]
    return [text for text in lines if text] or [GENERIC_RESULT]


def render_result(dossier, *, code: str, agency, signer, decided_at) -> bytes:
    st = Styles(body=12)
    width = frame_width(PAPER_A4)
    procedure = dossier.procedure
    kinds = result_types(procedure)
    officer = facts.person(signer)
    story = [
        national_heading(st, width=width, agency_lines=facts.issuing_lines(agency), place=facts.place_name(agency.unit),
                         issued_at=decided_at, number=f"Số: {code}"),
        Spacer(1, 4 * mm),
        Paragraph(esc(upper(TITLE)), st.title),
        Paragraph(f"<b>{esc(kinds[0])}</b>", st.subtitle),
        Spacer(1, 4 * mm),
        Paragraph(f"Căn cứ hồ sơ đề nghị giải quyết thủ tục hành chính <b>{esc(procedure.name)}</b> "
                  f"(mã thủ tục {esc(procedure.code)}), mã hồ sơ <b>{esc(dossier.code)}</b>, tiếp nhận ngày "
                  f"<b>{esc(fmt_date(dossier.received_at))}</b> tại {esc(dossier.receiving_agency.name)};", st.body),
        Paragraph(f"Sau khi thẩm định hồ sơ theo quy định hiện hành, {esc(agency.name)} đồng ý, chấp thuận yêu cầu "
                  f"giải quyết thủ tục hành chính nêu trên và cấp kết quả như sau:", st.body),
        line("Người nộp hồ sơ", dossier.applicant_name, st),
    ]
    if dossier.subject_name:
        story.append(line("Tổ chức, cá nhân có yêu cầu", dossier.subject_name, st))
    story += [
        line("Địa chỉ", dossier.subject_address or dossier.applicant_address, st),
        Paragraph("Kết quả giải quyết:", st.body),
        *[Paragraph(f"– {esc(kind)}", st.body) for kind in kinds],
        Paragraph(f"Số kết quả: <b>{esc(code)}</b>; ngày quyết định: <b>{esc(fmt_date(decided_at))}</b>.", st.body),
        Paragraph("Kết quả điện tử này được ký số bởi người có thẩm quyền và cơ quan giải quyết; có giá trị pháp lý "
                  "như bản giấy. Tổ chức, cá nhân tra cứu và tải kết quả trên Cổng tra cứu hồ sơ bằng mã hồ sơ và "
                  "mã bí mật ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả./.", st.body),
        signatures(st, width=width, blocks=[("", "", ""), (upper(HEAD_OF_AGENCY), "(Ký số, ghi rõ họ tên và đóng dấu)",
                                                             officer)]),
        Paragraph(f"<i>{esc(HEAD_OF_AGENCY)}: {esc(officer, '……………')} – {esc(agency.name)}</i>", st.small),
    ]
    return build_pdf(story, pagesize=PAPER_A4, title=f"{TITLE} – {code}", author=agency.name,
                     subject=procedure.name, footer=f"Số kết quả {code} · Mã hồ sơ {dossier.code}")


def filename(dossier) -> str:
    return f"ket-qua-{dossier.code}.pdf"
