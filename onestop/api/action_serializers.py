"""Request bodies of the dossier actions; each maps to one service call."""
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from procedures.models import Agency, Procedure
from workflows.models import Channel, Outcome

from .bounds import WINDOW_MESSAGE, in_window

TEXT = 4000


class VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=0,
        help_text=_("Phiên bản (số sự kiện) của hồ sơ mà người dùng đã xem; khác hiện tại → 409."),
    )


class NoteSerializer(VersionedSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT, default="")


class ReasonsSerializer(VersionedSerializer):
    reasons = serializers.CharField(max_length=TEXT, allow_blank=True)


class ReasonSerializer(VersionedSerializer):
    reason = serializers.CharField(max_length=TEXT, allow_blank=True)


def _active_users():
    return get_user_model().objects.filter(is_active=True)


class CompleteStepSerializer(NoteSerializer):
    next_assignee = serializers.PrimaryKeyRelatedField(queryset=_active_users(), required=False, allow_null=True)


class SupplementSerializer(VersionedSerializer):
    items = serializers.ListField(child=serializers.CharField(max_length=1000, allow_blank=True), max_length=50)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=TEXT, default="")


class ExtendSerializer(VersionedSerializer):
    new_due_at = serializers.DateTimeField(validators=[in_window], error_messages={"overflow": WINDOW_MESSAGE})
    reason = serializers.CharField(max_length=TEXT, allow_blank=True)


class DecideSerializer(VersionedSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reasons = serializers.CharField(required=False, allow_blank=True, max_length=TEXT, default="")


class ReturnSerializer(NoteSerializer):
    collected_by = serializers.CharField(max_length=200, allow_blank=True)


class AssignSerializer(VersionedSerializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=_active_users())


class ApplicantInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    id_number = serializers.RegexField(r"^\d{9,12}$", required=False, allow_blank=True, default="",
                                       help_text=_("Số định danh cá nhân (12 số) hoặc CMND (9 số)"))
    phone = serializers.RegexField(r"^\+?\d{9,15}$", required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class ReceiveSerializer(serializers.Serializer):
    """Tiếp nhận hồ sơ tại quầy."""

    procedure = serializers.PrimaryKeyRelatedField(queryset=Procedure.objects.select_related("level"))
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.select_related("unit", "kind"))
    applicant = ApplicantInputSerializer()
    document_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=200)
    channel = serializers.ChoiceField(choices=[c for c in Channel.choices if c[0] != Channel.ONLINE],
                                      default=Channel.COUNTER)
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT, default="")
