"""Portal forms: status lookup, online submission, satisfaction rating."""
from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.models import Rating


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

    agency = forms.ModelChoiceField(label=_("Nơi nộp hồ sơ (Bộ phận Một cửa)"), queryset=None,
                                    empty_label=_("— Chọn nơi nộp —"))
    name = forms.CharField(label=_("Họ và tên"), max_length=200)
    id_number = forms.RegexField(label=_("Số định danh cá nhân (CCCD)"), regex=r"^\d{12}$", max_length=12,
                                 error_messages={"invalid": _("Số định danh gồm 12 chữ số.")})
    phone = forms.RegexField(label=_("Số điện thoại"), regex=r"^0\d{9,10}$", max_length=11, required=False,
                             error_messages={"invalid": _("Số điện thoại không hợp lệ.")},
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("Thư điện tử"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)

    def __init__(self, *args, procedure, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.documents = list(procedure.documents.all())
        for doc in self.documents:
            self.fields[f"doc_{doc.pk}"] = forms.FileField(
                label=doc.name, required=doc.is_mandatory,
                help_text=_("PDF, JPEG hoặc PNG."),
                error_messages={"empty": _("Tệp tải lên rỗng."), "required": _("Cần đính kèm giấy tờ này.")},
                widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
            )

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or data.get("email")):
            raise forms.ValidationError(_("Cần ít nhất số điện thoại hoặc thư điện tử để nhận thông báo."))
        return data

    def document_fields(self):
        return [(doc, self[f"doc_{doc.pk}"]) for doc in self.documents]


class RatingForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(label=_("Mức độ hài lòng"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Góp ý (không bắt buộc)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
