"""Counter forms (tiếp nhận, từ chối, trả kết quả). Validation here is for the clerk's comfort;
the services check again and have the last word."""
from django import forms
from django.utils.translation import gettext_lazy as _

from onestop.screens.forms import VersionedForm
from procedures.models import CompetenceBasis
from workflows import deadlines
from workflows.models import ApplicantCapacity, Channel
from workflows.services import Applicant
from workflows.statuses import Status

COMPETENCE_HELP = {
    CompetenceBasis.RESIDENCE: _("Theo nơi cư trú của người yêu cầu."),
    CompetenceBasis.LOCATION: _("Theo nơi có đất, tài sản, đối tượng của thủ tục."),
}


class ReceiveForm(forms.Form):
    """Tiếp nhận hồ sơ: applicant, the checklist of documents, and the counter (if several)."""

    agency = forms.TypedChoiceField(label=_("Nơi tiếp nhận"), coerce=int)
    applicant_name = forms.CharField(
        label=_("Họ tên người nộp"), max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "accesskey": "h"}),
    )
    id_number = forms.CharField(label=_("Số định danh cá nhân"), max_length=20, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    capacity = forms.ChoiceField(label=_("Tư cách người nộp"), choices=ApplicantCapacity.choices,
                                 initial=ApplicantCapacity.SELF, required=False)
    subject_name = forms.CharField(label=_("Tổ chức, cá nhân có yêu cầu (chủ hồ sơ)"), max_length=200, required=False)
    subject_id_number = forms.CharField(label=_("Số định danh / mã số doanh nghiệp của chủ hồ sơ"), max_length=20,
                                        required=False)
    subject_address = forms.CharField(label=_("Địa chỉ của chủ hồ sơ"), max_length=300, required=False)
    authorisation = forms.CharField(label=_("Văn bản ủy quyền (số, ngày, người ký)"), max_length=300, required=False)
    # Both default to the counter's own (left out of a post: the counter's unit, the counter itself).
    competent_unit = forms.TypedChoiceField(label=_("Đơn vị có thẩm quyền giải quyết"), coerce=int, required=False,
                                            empty_value=None)
    return_agency = forms.TypedChoiceField(label=_("Nơi trả kết quả (người nộp chọn)"), coerce=int, required=False,
                                           empty_value=None)
    documents = forms.TypedMultipleChoiceField(
        label=_("Thành phần hồ sơ đã nhận"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
    )
    paper_result = forms.BooleanField(
        label=_("Người nộp đề nghị nhận kết quả bản giấy"), required=False,
        help_text=_("Mặc định trả kết quả điện tử có ký số; đánh dấu khi người nộp yêu cầu thêm bản giấy."),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reasons = forms.CharField(
        label=_("Lý do từ chối / nội dung cần bổ sung"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, procedure, agencies, units, return_points, enforce_documents=True,
                 require_reasons=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.required_documents = list(procedure.documents.all())
        self.enforce_documents = enforce_documents
        self.require_reasons = require_reasons
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
        if len(agencies) == 1:
            self.fields["agency"].widget = forms.HiddenInput()
            self.fields["agency"].initial = agencies[0].pk
        # Receiving regardless of boundary: the clerk names the applicant's (or the land's) unit;
        # one choice means the counter's own unit, so the field stays out of the way.
        self.units = {u.pk: u for u in units}
        unit_field = self.fields["competent_unit"]
        unit_field.choices = [(u.pk, u.name) for u in units]
        unit_field.help_text = COMPETENCE_HELP.get(procedure.competence_basis, "")
        own = next((u.pk for u in units if u.pk in {a.unit_id for a in agencies}), None)
        unit_field.initial = own
        if len(units) == 1:
            unit_field.widget = forms.HiddenInput()
            unit_field.initial = units[0].pk
        self.return_points = {a.pk: a for a in return_points}
        self.fields["return_agency"].choices = [(a.pk, a.name) for a in return_points]
        self.fields["return_agency"].initial = agencies[0].pk if agencies else None
        self.fields["documents"].choices = [
            (doc.pk, f"{doc.name}{' *' if doc.is_mandatory else ''}") for doc in self.required_documents
        ]

    def applicant_fields(self):
        return [self[name] for name in ("applicant_name", "id_number", "phone", "email", "address")]

    def subject_fields(self):
        return [self[name] for name in ("subject_name", "subject_id_number", "subject_address", "authorisation")]

    @property
    def boundless(self) -> bool:
        return len(self.units) > 1

    def competent(self):
        return self.units.get(self.cleaned_data.get("competent_unit"))

    def return_point(self, agency):
        return self.return_points.get(self.cleaned_data.get("return_agency")) or agency

    def missing_documents(self) -> list[str]:
        chosen = set(self.cleaned_data.get("documents") or [])
        return [doc.name for doc in self.required_documents if doc.is_mandatory and doc.pk not in chosen]

    def clean(self):
        cleaned = super().clean()
        if self.enforce_documents and "documents" in cleaned:
            missing = self.missing_documents()
            if missing:
                self.add_error("documents", _("Thiếu thành phần hồ sơ bắt buộc: %(names)s")
                               % {"names": "; ".join(missing)})
        if self.require_reasons and not (cleaned.get("reasons") or "").strip():
            self.add_error("reasons", _("Cần nêu rõ lý do từ chối."))
        capacity = cleaned.get("capacity")
        if capacity and capacity != ApplicantCapacity.SELF and not (cleaned.get("subject_name") or "").strip():
            self.add_error("subject_name", _("Cần nhập tên tổ chức, cá nhân có yêu cầu (chủ hồ sơ)."))
        if capacity == ApplicantCapacity.AUTHORISED and not (cleaned.get("authorisation") or "").strip():
            self.add_error("authorisation",
                           _("Người được ủy quyền cần xuất trình văn bản ủy quyền: nhập số, ngày văn bản."))
        return cleaned

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(name=data["applicant_name"], id_number=data.get("id_number", ""),
                         phone=data.get("phone", ""), email=data.get("email", ""),
                         address=data.get("address", ""), capacity=data.get("capacity") or ApplicantCapacity.SELF,
                         subject_name=data.get("subject_name", ""), subject_id_number=data.get("subject_id_number", ""),
                         subject_address=data.get("subject_address", ""), authorisation=data.get("authorisation", ""))


CHECK_PASS, CHECK_FAIL = "pass", "fail"
CHECK_CHOICES = [(CHECK_PASS, _("Đạt")), (CHECK_FAIL, _("Chưa đạt"))]


class DossierFilterForm(forms.Form):
    """The counter's dossier list: the search box and its filters (all optional, GET)."""

    q = forms.CharField(
        label=_("Tìm hồ sơ"), required=False, max_length=400,
        widget=forms.TextInput(attrs={
            "type": "search", "autocomplete": "off", "accesskey": "m", "inputmode": "search",
            "placeholder": _("mã hồ sơ, họ tên, số điện thoại, số định danh hoặc quét phiếu hẹn")}),
    )
    status = forms.ChoiceField(label=_("Trạng thái"), required=False,
                               choices=[("", _("Tất cả trạng thái")), *Status.choices])
    channel = forms.ChoiceField(label=_("Hình thức nộp"), required=False,
                                choices=[("", _("Tất cả hình thức")), *Channel.choices])
    date_from = forms.DateField(label=_("Nộp từ ngày"), required=False, validators=[lambda day: _in_window(day)],
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, validators=[lambda day: _in_window(day)],
                              widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput)


class AcceptOnlineForm(VersionedForm):
    """Tiếp nhận hồ sơ trực tuyến: the clerk checks each document the citizen sent (đạt / chưa đạt);
    only a dossier whose every document is "đạt" is received."""

    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, files=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.files = list(files)
        for file in self.files:
            self.fields[self._name(file)] = forms.ChoiceField(
                label=file.original_name, choices=CHECK_CHOICES, widget=forms.RadioSelect,
                error_messages={"required": _("Chưa kiểm tra tệp này: chọn “Đạt” hoặc “Chưa đạt”.")},
            )

    @staticmethod
    def _name(file) -> str:
        return f"check_{file.pk}"

    def check_fields(self):
        """(file, bound field) for each submitted document, in upload order."""
        return [(file, self[self._name(file)]) for file in self.files]

    def clean(self):
        cleaned = super().clean()
        failing = [file.original_name for file in self.files if cleaned.get(self._name(file)) == CHECK_FAIL]
        if failing:
            raise forms.ValidationError(
                _("Chỉ tiếp nhận khi tất cả thành phần hồ sơ đạt yêu cầu. Chưa đạt: %(names)s. Từ chối tiếp nhận "
                  "và nêu rõ lý do, nội dung cần bổ sung.") % {"names": "; ".join(failing)})
        return cleaned

    def checks(self) -> list[dict]:
        """The verdicts, as the audit event records them."""
        return [{"file": file.pk, "name": file.original_name,
                 "document": file.required_document.name if file.required_document else "",
                 "result": self.cleaned_data[self._name(file)]} for file in self.files]


class RefuseForm(VersionedForm):
    reasons = forms.CharField(label=_("Lý do từ chối"), widget=forms.Textarea(attrs={"rows": 3}))


class SupplementReceivedForm(VersionedForm):
    note = forms.CharField(label=_("Giấy tờ đã nhận bổ sung"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class PaymentReceivedForm(VersionedForm):
    note = forms.CharField(label=_("Chứng từ đã nộp (biên lai, số tiền)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(VersionedForm):
    collected_by = forms.CharField(
        label=_("Người nhận kết quả"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "accesskey": "n"}),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(VersionedForm):
    """Rút hồ sơ theo yêu cầu của công dân: the citizen's reason is recorded in the audit trail."""

    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True, "accesskey": "l"}),
        error_messages={"required": _("Cần ghi lý do rút hồ sơ.")},
    )


class StopForm(VersionedForm):
    """Đề nghị dừng giải quyết hồ sơ (NĐ 118/2025 Art. 21): how the request came and its reason."""

    channel = forms.ChoiceField(
        label=_("Hình thức đề nghị"), initial="counter",
        choices=[("counter", _("Trực tiếp tại Bộ phận Một cửa")), ("postal", _("Qua dịch vụ bưu chính")),
                 ("online", _("Trực tuyến trên Cổng Dịch vụ công"))],
    )
    reason = forms.CharField(
        label=_("Lý do đề nghị dừng giải quyết"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True, "accesskey": "l"}),
        error_messages={"required": _("Cần ghi lý do đề nghị dừng giải quyết.")},
    )


def _in_window(day):
    if not deadlines.in_window(day):  # 9999-12-31 plus a day overflows while rendering the book
        raise forms.ValidationError(deadlines.window_message())


class TrackingBookForm(forms.Form):
    date_from = forms.DateField(label=_("Từ ngày"), validators=[_in_window])
    date_to = forms.DateField(label=_("Đến ngày"), validators=[_in_window])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."))
        return cleaned
