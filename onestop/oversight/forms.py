"""The oversight filters: unit (within reach), period, and the delay audit's narrowing fields."""
import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.models import Agency, Field, Procedure
from reporting.periods import Period
from workflows import people

KINDS = [("month", _("Tháng")), ("quarter", _("Quý")), ("year", _("Năm"))]
SORTS = [("-lateness", _("Chậm nhiều nhất trước")), ("lateness", _("Chậm ít nhất trước"))]


def _default_period(today, kind: str) -> dict:
    number = today.month if kind == "month" else (today.month - 1) // 3 + 1 if kind == "quarter" else 1
    return {"kind": kind if kind in dict(KINDS) else "month", "year": today.year, "number": number}


def unit_choices(units, today, empty_label) -> list:
    """The unit picker grouped by validity, then level: units in force today first (the default
    frame), then those ended by the 2025 reform or an earlier rearrangement, each with its end date."""
    in_force, ended = {}, {}
    for unit in units:
        gone = unit.valid_to is not None and unit.valid_to <= today
        (ended if gone else in_force).setdefault((unit.level.rank, unit.level.name), []).append(unit)
    choices = [("", empty_label)]
    for (_rank, level), rows in sorted(in_force.items()):
        choices.append((level, [(u.pk, u.name) for u in rows]))
    for (_rank, level), rows in sorted(ended.items()):
        group = _("%(level)s (không còn hiệu lực)") % {"level": level}
        choices.append((group, [(u.pk, _("%(name)s (đến %(date)s)") % {
            "name": u.name, "date": (u.valid_to - dt.timedelta(days=1)).strftime("%d/%m/%Y")}) for u in rows]))
    return choices


class ScopeForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=None, required=False,
                                  empty_label=_("— toàn bộ phạm vi —"))
    kind = forms.ChoiceField(label=_("Kỳ"), choices=KINDS, required=False)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    number = forms.IntegerField(label=_("Tháng/Quý"), min_value=1, max_value=12, required=False)

    def __init__(self, data, *, units, **kwargs):
        # The period fields show the period the page shows: a missing field gets the default clean() uses.
        today = timezone.localdate()
        defaults = _default_period(today, (data or {}).get("kind") or "month")
        if data is None:
            kwargs.setdefault("initial", defaults)
        else:
            data = data.copy()
            for name, value in defaults.items():
                if not data.get(name):
                    data[name] = value
        super().__init__(data, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].choices = unit_choices(units, today, self.fields["unit"].empty_label)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        kind = data.get("kind") or "month"
        year = data.get("year") or today.year
        number = data.get("number") or (today.month if kind == "month" else (today.month - 1) // 3 + 1)
        try:
            data["period"] = Period.of(kind, year, number)
        except ValueError:
            raise forms.ValidationError(_("Kỳ báo cáo không hợp lệ (quý từ 1 đến 4, tháng từ 1 đến 12).")) from None
        return data

    def period(self) -> Period:
        """The chosen period; the current month when the input is missing or invalid."""
        if self.is_valid() and "period" in self.cleaned_data:
            return self.cleaned_data["period"]
        today = timezone.localdate()
        return Period.of("month", today.year, today.month)

    def chosen_unit(self, default):
        if self.is_valid() and self.cleaned_data.get("unit"):
            return self.cleaned_data["unit"]
        return default


class ReportForm(ScopeForm):
    by_successor = forms.BooleanField(
        label=_("Tính theo đơn vị kế thừa (sau sắp xếp đơn vị hành chính)"), required=False,
        help_text=_("Số liệu của đơn vị đã sắp xếp, sáp nhập được cộng vào đơn vị kế thừa đang hoạt động."))


class DelayForm(ScopeForm):
    agency = forms.ModelChoiceField(label=_("Cơ quan"), queryset=None, required=False)
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=Field.objects.all(), required=False)
    procedure = forms.ModelChoiceField(label=_("Thủ tục"), queryset=None, required=False)
    step = forms.IntegerField(label=_("Bước (1, 2, …)"), min_value=1, max_value=50, required=False)
    official = forms.ModelChoiceField(label=_("Cán bộ"), queryset=None, required=False)
    only_period = forms.BooleanField(label=_("Chỉ hồ sơ tiếp nhận trong kỳ"), required=False)
    sort = forms.ChoiceField(label=_("Sắp xếp"), choices=SORTS, required=False)

    def __init__(self, data, *, units, **kwargs):
        super().__init__(data, units=units, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(unit__in=units).order_by("unit__path", "name")
        level_ids = units.values("level_id")
        # every version (old dossiers stay on theirs), told apart by the date it took effect
        self.fields["procedure"].queryset = Procedure.objects.filter(level_id__in=level_ids).order_by(
            "code", "valid_from")
        self.fields["procedure"].label_from_instance = _version_label
        self.fields["official"].queryset = (
            get_user_model().objects.filter(memberships__agency__unit__in=units).distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["official"].label_from_instance = _official_label


def _version_label(procedure) -> str:
    if procedure.valid_from is None:
        return str(procedure)
    return _("%(procedure)s (hiệu lực từ %(date)s)") % {
        "procedure": procedure, "date": procedure.valid_from.strftime("%d/%m/%Y")}


def _official_label(user) -> str:
    """Family name first ('Lò Văn Thành'); the username for an account without a name."""
    return people.full_name(user)
