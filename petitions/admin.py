"""Admin for petitions: read-only rows; recording and concluding go through petitions.services."""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from workflows import access
from workflows.admin import ReadOnlyAdmin
from workflows.errors import DomainError

from . import services
from .models import Petition, PetitionEvent


class RecordComplaintForm(forms.Form):
    dossier = forms.CharField(label=_("Mã hồ sơ"), max_length=64)
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea)
    received_at = forms.SplitDateTimeField(
        label=_("Nhận lúc"), required=False, widget=AdminSplitDateTime,
        help_text=_("Để trống nếu nhận ngay bây giờ."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_dossier(self):
        dossier = access.dossiers_for(self.user).filter(code=self.cleaned_data["dossier"].strip()).first()
        if dossier is None:
            raise forms.ValidationError(_("Không tìm thấy hồ sơ."))
        return dossier


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    """Read-only rows (they feed indicator 7); recording and concluding go through the services:
    the add page calls `record_complaint`, the list's actions `resolve_complaint`."""

    list_display = ["pk", "dossier", "agency", "channel", "state", "received_at", "resolved_at", "unsubstantiated"]
    list_filter = ["state", "channel", "classification", "unsubstantiated"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier", "agency"]
    actions = ["resolve_substantiated", "resolve_unsubstantiated"]

    def has_add_permission(self, request, obj=None):
        return admin.ModelAdmin.has_add_permission(self, request)  # the service checks the role

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RecordComplaintForm(request.POST or None, user=request.user,
                                   initial={"dossier": request.GET.get("dossier", "")})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                complaint = services.record_complaint(data["dossier"], actor=request.user, text=data["text"],
                                                      received_at=data["received_at"])
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                self.message_user(request, _("Đã ghi nhận phản ánh, kiến nghị về hồ sơ %(code)s.")
                                  % {"code": complaint.dossier.code}, messages.SUCCESS)
                return redirect("admin:petitions_petition_change", complaint.pk)
        admin_form = helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Ghi nhận phản ánh, kiến nghị"), "adminform": admin_form, "object_id": None,
            "original": None, "is_popup": False, "to_field": None, "media": self.media + admin_form.media,
            "inline_admin_formsets": [], "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request), **(extra_context or {}),
        }
        return self.render_change_form(request, context, add=True, form_url=form_url)

    @admin.action(description=_("Kết luận: phản ánh đúng"))
    def resolve_substantiated(self, request, queryset):
        self._resolve(request, queryset, unsubstantiated=False)

    @admin.action(description=_("Kết luận: phản ánh không đúng (không tính vào chỉ số)"))
    def resolve_unsubstantiated(self, request, queryset):
        self._resolve(request, queryset, unsubstantiated=True)

    def _resolve(self, request, queryset, *, unsubstantiated: bool):
        done = 0
        for complaint in queryset.select_related("dossier"):
            try:
                services.resolve_complaint(complaint, actor=request.user, unsubstantiated=unsubstantiated)
            except DomainError as exc:
                label = complaint.dossier.code if complaint.dossier_id else complaint.pk
                self.message_user(request, f"{label}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("Đã kết luận %(count)d phản ánh, kiến nghị.") % {"count": done},
                              messages.SUCCESS)


@admin.register(PetitionEvent)
class PetitionEventAdmin(ReadOnlyAdmin):
    list_display = ["petition", "at", "action", "from_state", "to_state", "actor"]
    list_select_related = ["actor"]
