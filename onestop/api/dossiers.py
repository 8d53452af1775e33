"""Staff dossier endpoints: list, detail, receive, and one POST per service action.

Every lookup starts from workflows.access.dossiers_for(user), and a dossier outside it is
404 like one that does not exist (docs/decisions/0006-roles-and-scoping.md); every change is
a call to workflows.services (the only writers); domain errors become 4xx in exceptions.py.
"""
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response

from onestop.api.bounds import MAX_ID
from workflows import access, services, uploads
from workflows.models import Dossier, DossierEvent, DossierFile, WorkItem

from . import action_serializers as body
from .dossier_filters import DossierFilter
from .dossier_serializers import DossierDetailSerializer, DossierListSerializer, ReceiptSerializer
from .pagination import ScopedPagination
from .permissions import IsStaff
from .schema import BODY, errors

ACTION_ERRORS = errors(*BODY, 401, 403, 404, 409)


class StoredFileChanged(APIException):
    """A stored file that no longer matches its recorded hash: refused, never served."""

    status_code = status.HTTP_410_GONE
    default_code = "file_changed"
    default_detail = _("Tệp lưu trữ không còn khớp với mã băm đã ghi nhận khi lưu; hệ thống không cung cấp tệp này.")


def _action_schema(request, summary, *examples):
    return extend_schema(request=request, responses={200: DossierDetailSerializer, **ACTION_ERRORS},
                         summary=summary, examples=[
                             OpenApiExample(name, value=value, request_only=True) for name, value in examples])


@extend_schema_view(
    list=extend_schema(summary="Danh sách hồ sơ (trong phạm vi của người dùng)",
                       responses={200: DossierListSerializer, **errors(400, 401, 403, 404)}),
    retrieve=extend_schema(summary="Chi tiết hồ sơ và nhật ký xử lý",
                           responses={200: DossierDetailSerializer, **errors(401, 403, 404)}),
    create=extend_schema(summary="Tiếp nhận hồ sơ tại quầy", request=body.ReceiveSerializer,
                         responses={201: ReceiptSerializer, **errors(*BODY, 401, 403, 409)}),
)
class DossierViewSet(viewsets.GenericViewSet):
    permission_classes = [IsStaff]
    pagination_class = ScopedPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = DossierFilter
    lookup_value_converter = "int"
    serializer_class = DossierListSerializer

    ORDER = ("-created_at", "-id")

    def get_queryset(self):
        qs = Dossier.objects.select_related("procedure", "receiving_agency").order_by(*self.ORDER)
        return access.dossiers_for(self.request.user, qs)

    # --- reading -----------------------------------------------------------------------

    def list(self, request):
        # The filters on the bare table; the scope goes in as one index-served branch each (the
        # OR form of dossiers_for scans the table: docs/performance.md, "Staff lists").
        filtered = self.filter_queryset(Dossier.objects.all())
        page = self.paginator.paginate_scoped(request.user, filtered, self.ORDER, request,
                                              related=("procedure", "receiving_agency"))
        return self.get_paginated_response(DossierListSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self._detail(self._visible(pk)))

    def _visible(self, pk) -> Dossier:
        """The dossier if the user may see it; 404 whether it does not exist or is out of reach,
        so an id reveals nothing (the screens answer the same)."""
        pk = int(pk)
        dossier = self.get_queryset().filter(pk=pk).first() if pk <= MAX_ID else None
        if dossier is None:
            raise NotFound(_("Không tìm thấy hồ sơ."))
        return dossier

    def _detail(self, dossier: Dossier, serializer=DossierDetailSerializer, **context) -> dict:
        events = DossierEvent.objects.filter(dossier=dossier).select_related("actor", "agency").order_by("seq")
        open_work = (
            WorkItem.objects.open_for(dossier).select_related("agency", "owner").order_by("-created", "-pk").first()
        )
        files = DossierFile.objects.filter(dossier=dossier).order_by("pk")
        return serializer(dossier, context={"events": events, "open_work": open_work, "files": files,
                                            "request": self.request, **context}).data

    # --- reception ---------------------------------------------------------------------

    def create(self, request):
        data = self._valid(body.ReceiveSerializer, request)
        receipt = services.receive(
            actor=request.user, procedure=data["procedure"], agency=data["agency"],
            applicant=services.Applicant(**data["applicant"]), document_ids=data["document_ids"],
            channel=data["channel"], note=data["note"], competent_unit=data["competent_unit"],
            return_agency=data["return_agency"],
        )
        return Response(self._detail(receipt.dossier, ReceiptSerializer, secret=receipt.secret),
                        status=status.HTTP_201_CREATED)

    # --- actions -----------------------------------------------------------------------

    def _valid(self, serializer_class, request) -> dict:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _act(self, request, pk, serializer_class, call):
        dossier = self._visible(pk)
        data = self._valid(serializer_class, request)
        version = data.pop("version", None)
        result = call(dossier, request.user, version, data)
        return Response(self._detail(result))

    # --- uploaded files (served only here and on the staff screens, never from a public path)

    @extend_schema(summary="Tải tệp đính kèm của hồ sơ", responses={
        (200, "application/octet-stream"): OpenApiTypes.BINARY, **errors(401, 403, 404, 410)})
    @action(detail=True, methods=["get"], url_path="files/<int:file_id>", url_name="file")
    def file(self, request, pk=None, file_id=None):
        dossier = self._visible(pk)
        stored = DossierFile.objects.filter(dossier=dossier, pk=file_id).first() if file_id <= MAX_ID else None
        if stored is None:
            raise NotFound(_("Không tìm thấy tệp."))
        try:
            handle = uploads.open_verified(stored)  # the recorded hash is checked before a byte goes out
        except uploads.StoredFileError as error:
            if error.tampered:
                raise StoredFileChanged() from None
            raise NotFound(_("Không tìm thấy tệp.")) from None
        response = FileResponse(handle, as_attachment=True, filename=stored.original_name,
                                content_type=stored.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    @_action_schema(body.NoteSerializer, "Tiếp nhận hồ sơ trực tuyến")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(request, pk, body.NoteSerializer, lambda d, u, v, x: services.accept_online(
            d, actor=u, note=x["note"], expected_version=v))

    @_action_schema(body.ReasonsSerializer, "Từ chối tiếp nhận hồ sơ trực tuyến")
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._act(request, pk, body.ReasonsSerializer, lambda d, u, v, x: services.refuse(
            d, actor=u, reasons=x["reasons"], expected_version=v))

    @_action_schema(body.VersionedSerializer, "Nhận xử lý bước hiện tại")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._act(request, pk, body.VersionedSerializer, lambda d, u, v, x: services.start_processing(
            d, actor=u, expected_version=v))

    @_action_schema(body.CompleteStepSerializer, "Hoàn thành bước, chuyển bước tiếp theo")
    @action(detail=True, methods=["post"], url_path="complete-step")
    def complete_step(self, request, pk=None):
        return self._act(request, pk, body.CompleteStepSerializer, lambda d, u, v, x: services.complete_step(
            d, actor=u, note=x["note"], next_assignee=x.get("next_assignee"), expected_version=v))

    @_action_schema(body.SupplementSerializer, "Yêu cầu bổ sung, hoàn thiện hồ sơ")
    @action(detail=True, methods=["post"], url_path="request-supplement")
    def request_supplement(self, request, pk=None):
        return self._act(request, pk, body.SupplementSerializer, lambda d, u, v, x: services.request_supplement(
            d, actor=u, items=x["items"], reason=x["reason"], expected_version=v))

    @_action_schema(body.NoteSerializer, "Đã nhận đủ hồ sơ bổ sung")
    @action(detail=True, methods=["post"], url_path="supplement-received")
    def supplement_received(self, request, pk=None):
        return self._act(request, pk, body.NoteSerializer, lambda d, u, v, x: services.supplement_received(
            d, actor=u, note=x["note"], expected_version=v))

    @_action_schema(body.ExtendSerializer, "Gia hạn (xin lỗi, hẹn lại ngày trả)",
                    ("Hẹn lại", {"version": 3, "new_due_at": "2026-03-16T16:00:00+07:00",
                                 "reason": "Chờ kết quả xác minh của Công an xã"}))
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._act(request, pk, body.ExtendSerializer, lambda d, u, v, x: services.extend(
            d, actor=u, new_due_at=x["new_due_at"], reason=x["reason"], expected_version=v))

    @_action_schema(body.DecideSerializer, "Quyết định giải quyết / từ chối giải quyết",
                    ("Giải quyết", {"outcome": "granted"}),
                    ("Từ chối", {"outcome": "denied", "reasons": "Không đủ điều kiện theo quy định"}))
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self._act(request, pk, body.DecideSerializer, lambda d, u, v, x: services.decide(
            d, actor=u, outcome=x["outcome"], reasons=x["reasons"], expected_version=v))

    @_action_schema(body.ReturnSerializer, "Trả kết quả", ("Trả kết quả", {"collected_by": "Nguyễn Văn An"}))
    @action(detail=True, methods=["post"], url_path="return")
    def return_result(self, request, pk=None):
        return self._act(request, pk, body.ReturnSerializer, lambda d, u, v, x: services.return_result(
            d, actor=u, collected_by=x["collected_by"], note=x["note"], expected_version=v))

    @_action_schema(body.ReasonSerializer, "Công dân rút hồ sơ")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._act(request, pk, body.ReasonSerializer, lambda d, u, v, x: services.withdraw(
            d, actor=u, reason=x["reason"], expected_version=v))

    @_action_schema(body.StopSerializer, "Dừng giải quyết hồ sơ theo đề nghị của tổ chức, cá nhân (NĐ 118/2025)")
    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None):
        return self._act(request, pk, body.StopSerializer, lambda d, u, v, x: services.stop(
            d, actor=u, reason=x["reason"], channel=x["channel"], expected_version=v))

    @_action_schema(body.PaymentSerializer, "Thông báo thực hiện nghĩa vụ tài chính")
    @action(detail=True, methods=["post"], url_path="request-payment")
    def request_payment(self, request, pk=None):
        return self._act(request, pk, body.PaymentSerializer, lambda d, u, v, x: services.request_payment(
            d, actor=u, obligation=x["obligation"], expected_version=v))

    @_action_schema(body.NoteSerializer, "Đã hoàn thành nghĩa vụ tài chính")
    @action(detail=True, methods=["post"], url_path="payment-received")
    def payment_received(self, request, pk=None):
        return self._act(request, pk, body.NoteSerializer, lambda d, u, v, x: services.payment_received(
            d, actor=u, note=x["note"], expected_version=v))

    @_action_schema(body.AssignSerializer, "Nhận / giao công việc hiện tại")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._act(request, pk, body.AssignSerializer, lambda d, u, v, x: services.assign(
            d, actor=u, assignee=x["assignee"], expected_version=v))

    @_action_schema(body.VersionedSerializer, "Trả công việc về hàng đợi của cơ quan")
    @action(detail=True, methods=["post"])
    def unassign(self, request, pk=None):
        return self._act(request, pk, body.VersionedSerializer, lambda d, u, v, x: services.unassign(
            d, actor=u, expected_version=v))
