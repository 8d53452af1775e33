"""Filters of the staff dossier list (applied after workflows.access.dossiers_for)."""
import datetime as dt

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.models import AdministrativeUnit
from workflows import clock
from workflows.models import Dossier
from workflows.statuses import Status


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class DossierFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text=_("true: hồ sơ đang quá hạn"))
    at_risk = django_filters.BooleanFilter(method="filter_at_risk", help_text=_("true: hồ sơ sắp đến hạn"))
    unit = django_filters.ModelChoiceFilter(
        queryset=AdministrativeUnit.objects.all(), method="filter_unit",
        help_text=_("Đơn vị tiếp nhận (kèm các đơn vị trực thuộc)"),
    )
    agency = django_filters.NumberFilter(field_name="receiving_agency_id", help_text=_("Nơi tiếp nhận"))
    procedure = django_filters.NumberFilter(field_name="procedure_id")
    received_from = django_filters.DateFilter(method="filter_received_from", help_text=_("Tiếp nhận từ ngày"))
    received_to = django_filters.DateFilter(method="filter_received_to", help_text=_("Tiếp nhận đến hết ngày"))
    q = django_filters.CharFilter(method="search", help_text=_("Mã hồ sơ hoặc họ tên người nộp"))

    class Meta:
        model = Dossier
        fields = ["status", "overdue", "at_risk", "unit", "agency", "procedure", "received_from", "received_to", "q"]

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(clock.now())
        return queryset.exclude(pk__in=Dossier.objects.overdue(clock.now()).values("pk"))

    def filter_at_risk(self, queryset, name, value):
        if value:
            return queryset.at_risk(clock.now())
        return queryset.exclude(pk__in=Dossier.objects.at_risk(clock.now()).values("pk"))

    def filter_unit(self, queryset, name, value: int):
        return queryset.filter(unit_path__startswith=value.path)

    def filter_received_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=_day_start(value))

    def filter_received_to(self, queryset, name, value):
        return queryset.filter(received_at__lt=_day_start(value + dt.timedelta(days=1)))

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(applicant_name__icontains=value)) if value else queryset
