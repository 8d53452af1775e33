"""The handlers' forms: one per step of petitions.services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PetitionClass

TEXT = {"rows": 4}


class ClassifyForm(forms.Form):
    classification = forms.ChoiceField(label=_("Phân loại"), choices=PetitionClass.choices)


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Lý do từ chối xử lý"), max_length=5000, widget=forms.Textarea(attrs=TEXT))


class AskForm(forms.Form):
    text = forms.CharField(label=_("Thông tin cần bổ sung"), max_length=5000, widget=forms.Textarea(attrs=TEXT))


class InfoReceivedForm(forms.Form):
    note = forms.CharField(label=_("Thông tin đã nhận"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs=TEXT))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Kết quả xử lý, trả lời"), max_length=5000, widget=forms.Textarea(attrs=TEXT))
    unsubstantiated = forms.BooleanField(
        label=_("Kết luận phản ánh không đúng hoặc vu cáo"), required=False,
        help_text=_("Chỉ lãnh đạo hoặc giám sát được kết luận; phản ánh không đúng không tính vào chỉ số 7."))


class PublishForm(forms.Form):
    pass


class DislikeForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú"), max_length=5000, required=False, widget=forms.Textarea(attrs=TEXT))


class CounterPetitionForm(forms.Form):
    """A petition received at the counter (letter, in person, by phone), entered by a handler."""

    agency = forms.TypedChoiceField(label=_("Nơi tiếp nhận"), coerce=int, choices=())
    petitioner_name = forms.CharField(label=_("Họ tên người phản ánh"), max_length=200, required=False)
    petitioner_contact = forms.CharField(label=_("Số điện thoại hoặc thư điện tử"), max_length=200, required=False)
    dossier_code = forms.CharField(label=_("Mã hồ sơ liên quan (nếu có)"), max_length=64, required=False)
    classification = forms.ChoiceField(label=_("Phân loại"), required=False,
                                       choices=[("", "—"), *PetitionClass.choices])
    text = forms.CharField(label=_("Nội dung phản ánh, kiến nghị"), max_length=5000, widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {a.pk: a for a in agencies}
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]

    def clean_agency(self):
        agency = self.agencies.get(self.cleaned_data["agency"])
        if agency is None:
            raise forms.ValidationError(_("Nơi tiếp nhận không hợp lệ."))
        return agency


STEP_FORMS = {
    "classify": ClassifyForm, "refuse": RefuseForm, "ask": AskForm, "info": InfoReceivedForm,
    "answer": AnswerForm, "publish": PublishForm, "dislike": DislikeForm,
}
