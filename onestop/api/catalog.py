"""The public catalog (danh mục): units, agencies, fields and procedures, read-only."""
import django_filters
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from onestop.api.bounds import date_filter, id_filter
from procedures.models import (
    AdministrativeUnit,
    Agency,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureStep,
    RequiredDocument,
    UnitLevel,
)

from .pagination import Pagination
from .schema import errors

# --- serializers -------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    level = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["id", "code", "name", "level", "parent", "path", "valid_from", "valid_to"]


class AgencySerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_one_stop_counter = serializers.BooleanField(source="kind.is_one_stop_counter", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Agency
        fields = ["id", "identifier", "name", "unit", "unit_name", "kind", "is_one_stop_counter",
                  "address", "phone"]


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["id", "code", "name"]


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequiredDocument
        fields = ["id", "order", "name", "copies", "form", "is_mandatory"]


class StepSerializer(serializers.ModelSerializer):
    agency_kind = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ProcedureStep
        fields = ["order", "name", "unit_offset", "agency_kind", "role", "share_percent"]


class ProcedureSerializer(serializers.ModelSerializer):
    field = FieldSerializer(read_only=True)
    level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    time_limit = serializers.CharField(source="time_limit_display", read_only=True)

    class Meta:
        model = Procedure
        fields = ["id", "code", "name", "field", "level", "time_limit", "time_limit_value", "time_limit_unit",
                  "fee_amount", "fee_note", "online_level", "is_one_stop", "is_interlinked", "valid_from", "valid_to"]


class ProcedureDetailSerializer(ProcedureSerializer):
    documents = DocumentSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta(ProcedureSerializer.Meta):
        fields = [*ProcedureSerializer.Meta.fields, "legal_basis", "result_document", "supplement_clock_rule",
                  "publishing_decision", "source_url", "valid_from", "valid_to", "documents", "steps"]


# --- filters -----------------------------------------------------------------------------


def _text(queryset, fields, value):
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": value.strip()})
    return queryset.filter(condition)


class UnitFilter(django_filters.FilterSet):
    level = django_filters.ModelChoiceFilter(queryset=UnitLevel.objects.all(), to_field_name="code",
                                             help_text=_("Mã cấp: province, district, commune"))
    parent = id_filter("parent_id")
    q = django_filters.CharFilter(method="search", help_text=_("Tìm theo tên hoặc mã"))

    class Meta:
        model = AdministrativeUnit
        fields = ["level", "parent", "q"]

    def search(self, queryset, name, value):
        return _text(queryset, ["name", "code"], value)


class AgencyFilter(django_filters.FilterSet):
    unit = id_filter("unit_id")
    kind = django_filters.CharFilter(field_name="kind__code")
    q = django_filters.CharFilter(method="search", help_text=_("Tìm theo tên hoặc mã định danh"))

    class Meta:
        model = Agency
        fields = ["unit", "kind", "q"]

    def search(self, queryset, name, value):
        return _text(queryset, ["name", "identifier"], value)


class FieldFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search")

    class Meta:
        model = Field
        fields = ["q"]

    def search(self, queryset, name, value):
        return _text(queryset, ["name", "code"], value)


class ProcedureFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(
        queryset=AdministrativeUnit.objects.all(), method="for_unit",
        help_text=_("Thủ tục tiếp nhận tại đơn vị này (cùng cấp)"),
    )
    level = django_filters.ModelChoiceFilter(queryset=UnitLevel.objects.all(), to_field_name="code")
    field = id_filter("field_id")
    online_level = django_filters.ChoiceFilter(choices=OnlineLevel.choices)
    q = django_filters.CharFilter(method="search", help_text=_("Tìm theo tên hoặc mã thủ tục"))
    on = date_filter(
        method="in_force_on", help_text=_("Phiên bản có hiệu lực vào ngày này (YYYY-MM-DD; mặc định: hôm nay)"),
    )

    class Meta:
        model = Procedure
        fields = ["unit", "level", "field", "online_level", "q", "on"]

    def filter_queryset(self, queryset):
        # one version per code: the one in force on `on`, today when not given
        return super().filter_queryset(queryset.in_force(self.form.cleaned_data.get("on")))

    def in_force_on(self, queryset, name, value):
        return queryset  # applied in filter_queryset, also when the parameter is absent

    def for_unit(self, queryset, name, value: int):
        return queryset.filter(level_id=value.level_id)

    def search(self, queryset, name, value):
        return _text(queryset, ["name", "code"], value)


# --- views -------------------------------------------------------------------------------


def _documented(row, detail=None):
    """The catalog's answers: public, but a request with a bad token is still 401; the filters
    apply to one object too (a procedure in force `on` a day), so both answer 400 on a bad query;
    a page past the last is 404."""
    return extend_schema_view(
        list=extend_schema(responses={200: row(many=True), **errors(400, 401, 404)}),
        retrieve=extend_schema(responses={200: detail or row, **errors(400, 401, 404)}),
    )


class _Catalog(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    lookup_value_converter = "int"


@_documented(UnitSerializer)
class UnitViewSet(_Catalog):
    """Đơn vị hành chính đang có hiệu lực."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    queryset = AdministrativeUnit.objects.in_force().select_related("level").order_by("path", "pk")


@_documented(AgencySerializer)
class AgencyViewSet(_Catalog):
    """Cơ quan, đơn vị đang có hiệu lực."""

    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    queryset = Agency.objects.in_force().select_related("unit", "kind").order_by("unit__path", "name", "pk")


@_documented(FieldSerializer)
class FieldViewSet(_Catalog):
    """Lĩnh vực."""

    serializer_class = FieldSerializer
    filterset_class = FieldFilter
    queryset = Field.objects.order_by("name", "pk")


@_documented(ProcedureSerializer, ProcedureDetailSerializer)
class ProcedureViewSet(_Catalog):
    """Thủ tục hành chính (phiên bản có hiệu lực vào một ngày, mặc định hôm nay), với thành phần hồ sơ và quy trình."""

    filterset_class = ProcedureFilter

    def get_queryset(self):
        qs = Procedure.objects.select_related("field", "level").order_by("code", "pk")  # in force: ProcedureFilter
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                "documents", Prefetch("steps", queryset=ProcedureStep.objects.select_related("agency_kind")),
            )
        return qs

    def get_serializer_class(self):
        return ProcedureDetailSerializer if self.action == "retrieve" else ProcedureSerializer
