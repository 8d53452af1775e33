from django.contrib import admin

from .models import StaffMembership


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "supervised_unit"]
    search_fields = ["user__username", "agency__name"]
    autocomplete_fields = ["agency", "supervised_unit"]
    list_select_related = ["user", "agency", "supervised_unit"]
