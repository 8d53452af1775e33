"""Portal forms: status lookup, online submission, satisfaction rating."""
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.models import Rating

PHONE = re.compile(r"^0\d{9,10}$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


def normalise_phone(value: str) -> str:
    """A phone number as typed on a phone ("0912 345 678", "0912.345.678", "+84 912-345-678") as digits."""
    phone = _PHONE_SEPARATORS.sub("", value or "")
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("84") and len(phone) in (11, 12):
        phone = "0" + phone[2:]
    return phone


def office_label(agency) -> str:
    return agency.name


def office_choices(agencies) -> list:
    """The counters grouped by administrative unit, the province's first, then communes by name; within
    a unit the centre before its branches and reception points."""
    groups = {}
    for agency in sorted(agencies, key=lambda a: (a.unit.level.rank, a.unit.name, a.parent_id is not None, a.name)):
        groups.setdefault(agency.unit.name, []).append((agency.pk, office_label(agency)))
    return list(groups.items())


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"), max_length=64,
        help_text=_("In trên giấy tiếp nhận, ví dụ 000.01.06.H29-260302-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("Mã bí mật"), max_length=32, help_text=_("8 ký tự in trên giấy tiếp nhận."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class ApplicantForm(forms.Form):
    """The applicant's data and the receiving counter; one file field per required document."""

    agency = forms.TypedChoiceField(label=_("Nơi nộp hồ sơ"), coerce=int, choices=(),
                                    help_text=_("Trung tâm Phục vụ hành chính công tỉnh hoặc của xã, phường, "
                                                "kể cả chi nhánh, điểm tiếp nhận."),
                                    error_messages={"required": _("Cần chọn nơi nộp hồ sơ."),
                                                    "invalid_choice": _("Nơi nộp hồ sơ không hợp lệ.")})
    name = forms.CharField(label=_("Họ và tên"), max_length=200)
    id_number = forms.RegexField(label=_("Số định danh cá nhân (CCCD)"), regex=r"^\d{12}$", max_length=12,
                                 error_messages={"invalid": _("Số định danh gồm 12 chữ số.")})
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False,
                            help_text=_("Ví dụ 0912 345 678."),
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("Thư điện tử"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    # The result is electronic unless the applicant asks for paper (left out of a post: electronic).
    result_delivery = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"), required=False, initial="electronic", widget=forms.RadioSelect,
        choices=[("electronic", _("Kết quả điện tử có ký số, tải về trên trang tra cứu hồ sơ")),
                 ("paper", _("Kết quả điện tử và bản giấy nhận tại nơi nộp hồ sơ"))],
        error_messages={"invalid_choice": _("Hình thức nhận kết quả không hợp lệ.")},
    )

    def __init__(self, *args, procedure, agencies, staged=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {agency.pk: agency for agency in agencies}
        self.fields["agency"].choices = [("", _("— Chọn nơi nộp —")), *office_choices(agencies)]
        self.staged = staged or {}
        self.documents = list(procedure.documents.all())
        for doc in self.documents:
            self.fields[f"doc_{doc.pk}"] = forms.FileField(
                label=doc.name, required=doc.is_mandatory,
                error_messages={"empty": _("Tệp tải lên rỗng."), "required": _("Cần đính kèm giấy tờ này.")},
                widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )
        self.show_staged(self.staged)

    def show_staged(self, staged):
        """A document already uploaded (staged) needs no new file: its field says which one is kept."""
        self.staged = staged
        for doc in self.documents:
            field, kept = self.fields[f"doc_{doc.pk}"], staged.get(doc.pk)
            field.required = doc.is_mandatory and kept is None
            field.kept = kept
            field.help_text = (_("Đã tải lên: %(name)s. Hệ thống giữ lại tệp này; chọn tệp khác nếu muốn thay.")
                               % {"name": kept.original_name}) if kept else _("PDF, JPEG hoặc PNG.")
            self._bound_fields_cache.pop(f"doc_{doc.pk}", None)  # a bound field copies its help text

    def clean_agency(self):
        agency = self.agencies.get(self.cleaned_data["agency"])
        if agency is None:
            raise forms.ValidationError(_("Nơi nộp hồ sơ không hợp lệ."))
        return agency

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("Số điện thoại không hợp lệ: 10 hoặc 11 chữ số, bắt đầu bằng 0."))
        return phone

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or data.get("email")):
            raise forms.ValidationError(_("Cần ít nhất số điện thoại hoặc thư điện tử để nhận thông báo."))
        return data

    def wants_paper(self) -> bool:
        return self.cleaned_data.get("result_delivery") == "paper"

    def document_fields(self):
        return [(doc, self[f"doc_{doc.pk}"]) for doc in self.documents]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); a list of uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data] if data else single(None, initial)
        return [single(data, initial)]


SUPPLEMENT_MAX_FILES = 10


class SupplementForm(forms.Form):
    """The supplement an online dossier's applicant was asked for, uploaded from the status page."""

    token = forms.CharField(widget=forms.HiddenInput)
    files = MultipleFileField(
        label=_("Tệp giấy tờ bổ sung"), help_text=_("PDF, JPEG hoặc PNG; có thể chọn nhiều tệp."),
        error_messages={"required": _("Cần chọn ít nhất một tệp."), "empty": _("Tệp tải lên rỗng.")},
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > SUPPLEMENT_MAX_FILES:
            raise forms.ValidationError(_("Mỗi lần gửi tối đa %(n)s tệp.") % {"n": SUPPLEMENT_MAX_FILES})
        return files


class RatingForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(label=_("Mức độ hài lòng"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Góp ý (không bắt buộc)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class PetitionForm(forms.Form):
    """Gửi phản ánh, kiến nghị (petitions.services.receive): optionally about one's own dossier, named by
    its code and proven by its secret (a code alone could mark anyone's dossier)."""

    agency = forms.TypedChoiceField(label=_("Nơi nhận phản ánh, kiến nghị"), coerce=int, choices=(),
                                    help_text=_("Trung tâm, Bộ phận Một cửa mà nội dung phản ánh, kiến nghị "
                                                "liên quan."),
                                    error_messages={"required": _("Cần chọn nơi nhận phản ánh, kiến nghị."),
                                                    "invalid_choice": _("Nơi nhận phản ánh, kiến nghị không hợp lệ.")})
    name = forms.CharField(label=_("Họ và tên"), max_length=200,
                           error_messages={"required": _("Cần nhập họ và tên.")},
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact = forms.CharField(label=_("Số điện thoại hoặc thư điện tử"), max_length=200,
                              help_text=_("Để nhận kết quả xử lý; không được công khai."),
                              error_messages={"required": _("Cần nhập số điện thoại hoặc thư điện tử để nhận "
                                                            "trả lời.")})
    classification = forms.ChoiceField(label=_("Nội dung phản ánh, kiến nghị về"), required=False, choices=())
    text = forms.CharField(label=_("Nội dung phản ánh, kiến nghị"), max_length=5000, widget=forms.Textarea(
        attrs={"rows": 6}), error_messages={"required": _("Cần nhập nội dung phản ánh, kiến nghị.")})
    dossier_code = forms.CharField(label=_("Mã hồ sơ liên quan (nếu có)"), max_length=64, required=False,
                                   help_text=_("In trên giấy tiếp nhận, ví dụ 000.01.06.H29-260302-0001."),
                                   widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    secret = forms.CharField(label=_("Mã bí mật của hồ sơ"), max_length=32, required=False,
                             help_text=_("Cần khi nêu mã hồ sơ: 8 ký tự in trên giấy tiếp nhận."),
                             widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))

    def __init__(self, *args, agencies=(), **kwargs):
        from petitions.models import PetitionClass

        super().__init__(*args, **kwargs)
        self.agencies = {a.pk: a for a in agencies}
        self.fields["agency"].choices = [("", _("— Chọn nơi nhận —")), *office_choices(agencies)]
        self.fields["classification"].choices = [("", _("— Chọn (không bắt buộc) —")), *PetitionClass.choices]

    def clean_agency(self):
        agency = self.agencies.get(self.cleaned_data["agency"])
        if agency is None:
            raise forms.ValidationError(_("Nơi nhận phản ánh, kiến nghị không hợp lệ."))
        return agency

    def clean_contact(self):
        value = self.cleaned_data["contact"].strip()
        if "@" in value:
            try:
                forms.EmailField().clean(value)
            except forms.ValidationError:
                raise forms.ValidationError(_("Thư điện tử không hợp lệ.")) from None
            return value
        phone = normalise_phone(value)
        if not PHONE.match(phone):
            raise forms.ValidationError(_("Số điện thoại không hợp lệ: 10 hoặc 11 chữ số, bắt đầu bằng 0."))
        return phone

    def clean_dossier_code(self):
        return self.cleaned_data["dossier_code"].strip().upper()

    def clean(self):
        data = super().clean()
        if data.get("dossier_code") and not (data.get("secret") or "").strip():
            self.add_error("secret", _("Cần nhập mã bí mật khi nêu mã hồ sơ."))
        return data
