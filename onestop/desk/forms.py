"""Desk action forms (xử lý hồ sơ). The services check everything again."""
from django import forms
from django.utils.translation import gettext_lazy as _

from onestop.screens.forms import VersionedForm
from workflows import deadlines
from workflows.models import Outcome


class ClaimForm(VersionedForm):
    """Nhận xử lý (claim), or return to the queue (unassign)."""


class AssignForm(VersionedForm):
    assignee = forms.IntegerField(label=_("Giao cho"))


class CompleteForm(VersionedForm):
    """Hoàn thành bước; optionally name who holds the next step (else the engine decides).

    `holders` are the eligible members of the next step's agency and role (views.step_holders);
    `current_version` is the dossier's event_count when the form is checked.
    """

    note = forms.CharField(label=_("Ý kiến xử lý"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "accesskey": "y", "autofocus": True}))
    # An integer, not a ChoiceField: on a stale form the choices may have moved on, and the
    # service's Conflict (409) is the truer answer than "not a valid choice".
    next_assignee = forms.IntegerField(label=_("Chuyển cho cán bộ"), required=False, widget=forms.Select)

    def __init__(self, *args, holders=(), next_step=None, current_version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.holders = list(holders)
        self.next_step = next_step
        self.current_version = current_version
        self.fields["next_assignee"].widget.choices = [
            ("", _("— Không chỉ định (hệ thống tự chuyển) —")), *[(h["pk"], h["name"]) for h in self.holders],
        ]

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("next_assignee")
        fresh = self.current_version is None or cleaned.get("version") == self.current_version
        if chosen is not None and fresh and chosen not in {h["pk"] for h in self.holders}:
            self.add_error("next_assignee",
                           _("Người được chuyển không thuộc cơ quan hoặc không có vai trò xử lý bước này."))
        return cleaned


class SupplementForm(VersionedForm):
    items = forms.CharField(label=_("Giấy tờ cần bổ sung (mỗi dòng một giấy tờ)"),
                            widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def item_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class PaymentForm(VersionedForm):
    obligation = forms.CharField(label=_("Nghĩa vụ tài chính phải thực hiện (loại, số tiền, nơi nộp)"),
                                 max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(VersionedForm):
    new_due_at = forms.DateTimeField(
        label=_("Ngày hẹn mới"), input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("Lý do quá hạn"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_new_due_at(self):
        value = self.cleaned_data["new_due_at"]
        if not deadlines.in_window(value):  # the service refuses it too; say so on the field
            raise forms.ValidationError(deadlines.window_message())
        return value


class DecideForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Kết quả"), choices=Outcome.choices,
                                widget=forms.RadioSelect(attrs={"autofocus": True}),
                                initial=Outcome.GRANTED)
    reasons = forms.CharField(label=_("Ý kiến của lãnh đạo (lý do nếu từ chối)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Outcome.DENIED and not (cleaned.get("reasons") or "").strip():
            self.add_error("reasons", _("Cần nêu rõ lý do từ chối giải quyết."))
        return cleaned
