"""Request bodies of the dossier actions; each maps to one service call."""
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from procedures.models import AdministrativeUnit, Agency, Procedure
from workflows.models import ApplicantCapacity, Channel, Outcome
from workflows.services import STOP_CHANNELS

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


class StopSerializer(ReasonSerializer):
    channel = serializers.ChoiceField(choices=STOP_CHANNELS, default="counter",
                                      help_text=_("Hình thức đề nghị dừng: tại quầy, qua bưu chính, trực tuyến"))


class PaymentSerializer(VersionedSerializer):
    obligation = serializers.CharField(max_length=TEXT, allow_blank=True,
                                       help_text=_("Nghĩa vụ tài chính phải thực hiện (loại, số tiền)"))


class AssignSerializer(VersionedSerializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=_active_users())


class ApplicantInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    id_number = serializers.RegexField(r"^\d{9,12}$", required=False, allow_blank=True, default="",
                                       help_text=_("Số định danh cá nhân (12 số) hoặc CMND (9 số)"))
    phone = serializers.RegexField(r"^\+?\d{9,15}$", required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    # Filing for someone else (NĐ 118/2025 Art. 5–6).
    capacity = serializers.ChoiceField(choices=ApplicantCapacity.choices, default=ApplicantCapacity.SELF)
    subject_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    subject_id_number = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")
    subject_address = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    authorisation = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class ReceiveSerializer(serializers.Serializer):
    """Tiếp nhận hồ sơ tại quầy."""

    procedure = serializers.PrimaryKeyRelatedField(queryset=Procedure.objects.select_related("level"))
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.select_related("unit", "kind"))
    applicant = ApplicantInputSerializer()
    document_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=200)
    channel = serializers.ChoiceField(choices=[c for c in Channel.choices if c[0] != Channel.ONLINE],
                                      default=Channel.COUNTER)
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT, default="")
    competent_unit = serializers.PrimaryKeyRelatedField(
        queryset=AdministrativeUnit.objects.select_related("level"), required=False, allow_null=True, default=None,
        help_text=_("Đơn vị có thẩm quyền giải quyết khi tiếp nhận không phụ thuộc địa giới hành chính; "
                    "mặc định: đơn vị của nơi tiếp nhận"))
    return_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.select_related("unit", "kind"), required=False, allow_null=True, default=None,
        help_text=_("Nơi trả kết quả người nộp chọn; mặc định: nơi tiếp nhận"))
