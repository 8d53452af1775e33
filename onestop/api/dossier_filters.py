"""Filters of the staff dossier list (applied after workflows.access.dossiers_for)."""
import datetime as dt

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop.api.bounds import date_filter, id_filter
from procedures.models import AdministrativeUnit
from reporting import rules
from workflows import clock
from workflows.models import Dossier
from workflows.statuses import Status


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _by_rule(queryset, condition, value: bool):
    return queryset.filter(condition) if value else queryset.exclude(condition)


class DossierFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        help_text=_("true: hồ sơ quá hạn giải quyết theo quy định (không tính hồ sơ chờ bổ sung)"))
    past_appointment = django_filters.BooleanFilter(
        method="filter_past_appointment", help_text=_("true: hồ sơ quá hẹn trả"))
    at_risk = django_filters.BooleanFilter(method="filter_at_risk", help_text=_("true: hồ sơ sắp đến hạn"))
    unit = django_filters.ModelChoiceFilter(
        queryset=AdministrativeUnit.objects.all(), method="filter_unit",
        help_text=_("Đơn vị tiếp nhận (kèm các đơn vị trực thuộc)"),
    )
    agency = id_filter("receiving_agency_id", help_text=_("Nơi tiếp nhận"))
    procedure = id_filter("procedure_id")
    received_from = date_filter(method="filter_received_from", help_text=_("Tiếp nhận từ ngày"))
    received_to = date_filter(method="filter_received_to", help_text=_("Tiếp nhận đến hết ngày"))
    q = django_filters.CharFilter(method="search", help_text=_("Mã hồ sơ hoặc họ tên người nộp"))

    class Meta:
        model = Dossier
        fields = ["status", "overdue", "past_appointment", "at_risk", "unit", "agency", "procedure",
                  "received_from", "received_to", "q"]

    def filter_overdue(self, queryset, name, value):
        return _by_rule(queryset, rules.overdue_q(clock.now()), value)

    def filter_past_appointment(self, queryset, name, value):
        return _by_rule(queryset, rules.past_appointment_q(clock.now()), value)

    def filter_at_risk(self, queryset, name, value):
        return _by_rule(queryset, rules.at_risk_q(clock.now()), value)

    def filter_unit(self, queryset, name, value: int):
        return queryset.filter(unit_path__startswith=value.path)

    def filter_received_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=_day_start(value))

    def filter_received_to(self, queryset, name, value):
        return queryset.filter(received_at__lt=_day_start(value + dt.timedelta(days=1)))

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(applicant_name__icontains=value)) if value else queryset
