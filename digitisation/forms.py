"""The counter's form for one component: how it becomes electronic, and what the clerk confirmed."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ExemptReason, Source

MODES = [(Source.DIGITISED, _("Số hóa (quét, tải tệp)")), (Source.REUSED, _("Dùng lại giấy tờ đã có")),
         (Source.DATA_STORE, _("Lấy từ Kho dữ liệu của công dân")), (Source.EXEMPT, _("Miễn số hóa"))]


class ComponentForm(forms.Form):
    document_name = forms.CharField(label=_("Tên giấy tờ"), required=False, max_length=500)
    source = forms.ChoiceField(label=_("Cách thực hiện"), choices=MODES, initial=Source.DIGITISED,
                               widget=forms.RadioSelect)
    scan = forms.FileField(label=_("Tệp bản quét (PDF, JPEG, PNG)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,"
                                                                            "image/jpeg,image/png"}))
    pages = forms.IntegerField(label=_("Số trang"), required=False, min_value=1, max_value=10_000)
    originals = forms.IntegerField(label=_("Số bản chính"), required=False, min_value=0, max_value=10_000,
                                   initial=0)
    copies = forms.IntegerField(label=_("Số bản sao"), required=False, min_value=0, max_value=10_000, initial=0)
    checked_counts = forms.BooleanField(label=_("Đã đối chiếu số bản chính, bản sao"), required=False)
    checked_complete = forms.BooleanField(label=_("Bản số hóa đầy đủ, chính xác"), required=False)
    checked_order = forms.BooleanField(label=_("Đủ số trang, đúng thứ tự"), required=False)
    checked_legible = forms.BooleanField(label=_("Rõ nét, đọc được"), required=False)
    reused_file = forms.ChoiceField(label=_("Giấy tờ đã có của công dân"), required=False)
    data_store_ref = forms.CharField(label=_("Mã tài liệu trong Kho dữ liệu"), required=False, max_length=200)
    exempt_reason = forms.ChoiceField(label=_("Lý do miễn số hóa (Điều 5.2 Thông tư 03/2025/TT-VPCP)"),
                                      required=False, choices=[("", "—"), *ExemptReason.choices])
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=300)

    def __init__(self, *args, offers=(), other=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.other = other  # a component outside the procedure's list: named by the clerk
        if not other:
            del self.fields["document_name"]
        self.offers = list(offers)
        self.fields["reused_file"].choices = [("", "—"), *(
            (str(o.file.pk), f"{o.file.original_name} — {o.dossier_code}") for o in self.offers)]
        if not self.offers:
            self.fields["source"].choices = [c for c in MODES if c[0] != Source.REUSED]
