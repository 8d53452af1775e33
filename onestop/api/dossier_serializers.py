"""Dossier representations: a masked list row, and the full detail with its timeline."""
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reporting import rules
from workflows import clock, people, privacy
from workflows.models import Dossier, DossierEvent, DossierFile, WorkItem
from workflows.statuses import NATIONAL_STATUS_CODE, Status


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProcedureRefSerializer(RefSerializer):
    code = serializers.CharField()


def _now(context):
    return context.get("now") or clock.now()


class DossierListSerializer(serializers.ModelSerializer):
    """A row of a list: personal data masked (số định danh, điện thoại)."""

    procedure = ProcedureRefSerializer(read_only=True)
    receiving_agency = RefSerializer(read_only=True)
    status_display = serializers.SerializerMethodField()
    national_status_code = serializers.SerializerMethodField()
    applicant_id_number = serializers.SerializerMethodField()
    applicant_phone = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    is_past_appointment = serializers.SerializerMethodField()
    is_at_risk = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="event_count", read_only=True)

    class Meta:
        model = Dossier
        fields = ["id", "code", "status", "status_display", "national_status_code", "procedure",
                  "receiving_agency", "channel", "applicant_name", "applicant_id_number", "applicant_phone",
                  "submitted_at", "received_at", "due_at", "original_due_at", "resolved_at", "returned_at",
                  "closed_at", "outcome", "current_step", "is_overdue", "is_past_appointment", "is_at_risk", "version"]

    def get_status_display(self, obj) -> str:
        # The enum's label: Django's get_status_display rebuilds the whole choice map per call (a
        # fifth of a list page's serialisation).
        return str(Status(obj.status).label)

    def get_national_status_code(self, obj) -> int:
        return NATIONAL_STATUS_CODE[obj.status]

    def get_applicant_id_number(self, obj) -> str:
        return privacy.mask_id_number(obj.applicant_id_number)

    def get_applicant_phone(self, obj) -> str:
        return privacy.mask_phone(obj.applicant_phone)

    def get_is_overdue(self, obj) -> bool:
        return rules.is_overdue(obj, _now(self.context))

    def get_is_past_appointment(self, obj) -> bool:
        return rules.is_past_appointment(obj, _now(self.context))

    def get_is_at_risk(self, obj) -> bool:
        return rules.is_at_risk(obj, _now(self.context))


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField(source="applicant_name")
    id_number = serializers.CharField(source="applicant_id_number")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")
    address = serializers.CharField(source="applicant_address")


class EventSerializer(serializers.ModelSerializer):
    """A timeline entry (nhật ký xử lý), without the chain hashes."""

    actor = serializers.SerializerMethodField()
    agency = RefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = DossierEvent
        fields = ["seq", "at", "action", "from_status", "to_status", "step_index", "agency", "actor", "note",
                  "data"]

    @extend_schema_field({"type": "object", "nullable": True, "properties": {
        "id": {"type": "integer"}, "username": {"type": "string"}, "name": {"type": "string"}}})
    def get_actor(self, obj):
        if obj.actor is None:
            return None
        return {"id": obj.actor.pk, "username": obj.actor.get_username(),
                "name": people.full_name(obj.actor)}


class WorkItemSerializer(serializers.ModelSerializer):
    node = serializers.SerializerMethodField()
    agency = RefSerializer(read_only=True, allow_null=True)
    owner = serializers.SerializerMethodField()

    class Meta:
        model = WorkItem
        fields = ["id", "node", "status", "agency", "role", "step_index", "owner", "created", "due_at"]

    def get_node(self, obj) -> str:
        return obj.flow_task.name if obj.flow_task else ""

    def get_owner(self, obj) -> str | None:
        return obj.owner.get_username() if obj.owner_id else None


class FileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = DossierFile
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        return reverse("api:dossier-file", kwargs={"pk": obj.dossier_id, "file_id": obj.pk})


class PlanStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    agency = serializers.IntegerField()
    agency_name = serializers.CharField()
    role = serializers.CharField()
    share = serializers.CharField()
    allotted = serializers.IntegerField(help_text="seconds of working time")
    spent = serializers.IntegerField(required=False)


class DossierDetailSerializer(DossierListSerializer):
    """The full dossier for staff who may see it: personal data in clear, plan, work and timeline."""

    applicant = ApplicantSerializer(source="*", read_only=True)
    plan = PlanStepSerializer(many=True, read_only=True)
    open_work = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta(DossierListSerializer.Meta):
        fields = [f for f in DossierListSerializer.Meta.fields if not f.startswith("applicant_")] + [
            "applicant", "documents", "plan", "outcome_reasons", "extension_count", "supplement_count",
            "collected_by", "open_work", "files", "timeline",
        ]

    @extend_schema_field(WorkItemSerializer(allow_null=True))
    def get_open_work(self, obj):
        item = self.context.get("open_work")
        return WorkItemSerializer(item).data if item else None

    @extend_schema_field(FileSerializer(many=True))
    def get_files(self, obj):
        return FileSerializer(self.context.get("files", []), many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, obj):
        return EventSerializer(self.context.get("events", []), many=True).data


class ReceiptSerializer(DossierDetailSerializer):
    secret = serializers.SerializerMethodField(help_text="Mã tra cứu in trên giấy tiếp nhận; chỉ trả về một lần.")

    class Meta(DossierDetailSerializer.Meta):
        fields = [*DossierDetailSerializer.Meta.fields, "secret"]

    def get_secret(self, obj) -> str:
        return self.context["secret"]
