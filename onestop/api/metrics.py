"""Oversight figures for a unit and period (supervisors): received, resolved early / on time /
late, pending within the deadline / overdue, online and one-stop shares.

The counting itself is reporting.metrics (one aggregate query over the supervisor's scope);
this module turns query parameters into its scope and period.
"""
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from procedures.models import AdministrativeUnit
from reporting import metrics
from workflows import access
from workflows.errors import PermissionDenied

from .bounds import in_window
from .permissions import IsSupervisor
from .schema import errors

MAX_DAYS = 5 * 366


class MetricsQuerySerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=AdministrativeUnit.objects.all(), required=False,
                                              help_text=_("Đơn vị (mặc định: đơn vị được giám sát)"))
    period_from = serializers.DateField(required=False, validators=[in_window],
                                        help_text=_("Từ ngày (mặc định: đầu tháng)"))
    period_to = serializers.DateField(required=False, validators=[in_window],
                                      help_text=_("Đến hết ngày (mặc định: hôm nay)"))

    def validate(self, attrs):
        today = timezone.localdate()
        start = attrs.setdefault("period_from", today.replace(day=1))
        end = attrs.setdefault("period_to", max(today, start))
        if end < start:
            raise serializers.ValidationError({"period_to": _("Ngày kết thúc phải sau ngày bắt đầu.")})
        if (end - start).days > MAX_DAYS or start.year < 2000 or end.year > 2100:
            raise serializers.ValidationError({"period_from": _("Kỳ báo cáo tối đa 5 năm, trong 2000–2100.")})
        return attrs


class FiguresSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    received_online = serializers.IntegerField()
    received_one_stop = serializers.IntegerField()
    direct = serializers.IntegerField()
    carried_over = serializers.IntegerField()
    total = serializers.IntegerField()
    resolved = serializers.IntegerField()
    early = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    pending = serializers.IntegerField()
    pending_within = serializers.IntegerField()
    pending_overdue = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    late_rate = serializers.FloatField(allow_null=True)
    online_share = serializers.FloatField(allow_null=True)
    dossier_one_stop_share = serializers.FloatField(allow_null=True)


class CatalogShareSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    one_stop = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    target = serializers.FloatField()


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MetricsSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    figures = FiguresSerializer()
    catalog = CatalogShareSerializer(help_text=_("Tỷ lệ TTHC qua Bộ phận Một cửa, so với chỉ tiêu"))
    definitions = serializers.DictField(child=serializers.CharField())


def _period(start: dt.date, end: dt.date) -> metrics.Period:
    tz = timezone.get_default_timezone()
    return metrics.Period(
        kind="custom", year=start.year, number=1,
        start=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def figures(user, unit: AdministrativeUnit, start: dt.date, end: dt.date) -> dict:
    scope = metrics.in_units(access.dossiers_for(user), metrics.subtree_ids(unit))
    return metrics.summary(scope, _period(start, end))


class MetricsView(APIView):
    """Số liệu giám sát của một đơn vị trong một kỳ."""

    permission_classes = [IsSupervisor]

    @extend_schema(
        summary="Số liệu giám sát theo đơn vị và kỳ", parameters=[MetricsQuerySerializer],
        responses={200: MetricsSerializer, **errors(400, 401, 403)},
    )
    def get(self, request):
        query = MetricsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = query.validated_data.get("unit") or self._default_unit(request.user)
        if not request.user.is_superuser and not any(
            unit.path.startswith(path) for path in access.supervised_paths(request.user)
        ):
            raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi giám sát của bạn."))
        start, end = query.validated_data["period_from"], query.validated_data["period_to"]
        share = metrics.catalog_share(unit)
        return Response(MetricsSerializer({
            "unit": {"id": unit.pk, "name": unit.name}, "period_from": start, "period_to": end,
            "figures": figures(request.user, unit, start, end),
            "catalog": {k: share[k] for k in ("total", "one_stop", "share", "target")},
            "definitions": {k: str(v) for k, v in metrics.DEFINITIONS.items()},
        }).data)

    def _default_unit(self, user) -> AdministrativeUnit:
        paths = access.supervised_paths(user)
        unit = AdministrativeUnit.objects.filter(path__in=paths).order_by("path").first() if paths else None
        if unit is None:
            unit = AdministrativeUnit.objects.order_by("path").first() if user.is_superuser else None
        if unit is None:
            raise PermissionDenied(_("Tài khoản chưa được giao đơn vị giám sát."))
        return unit
