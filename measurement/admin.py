from django.contrib import admin

from common.history_admin import AuditedAdmin
from measurement.models import DataPoint, Measure, PDSACycle, ProjectImpact, Saving


class DataPointInline(admin.TabularInline):
    model = DataPoint
    extra = 0
    fields = ["date", "value", "annotation", "entered_by"]
    autocomplete_fields = ["entered_by"]
    ordering = ["date"]


@admin.register(Measure)
class MeasureAdmin(AuditedAdmin):
    list_display = ["name", "project", "kind", "chart_type", "unit", "created_at"]
    list_filter = ["kind", "chart_type"]
    search_fields = ["name", "=project__reference"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    inlines = [DataPointInline]


@admin.register(PDSACycle)
class PDSACycleAdmin(AuditedAdmin):
    list_display = ["change_idea", "project", "number", "start_date", "end_date", "act"]
    list_filter = ["act"]
    search_fields = ["change_idea", "=project__reference"]
    list_select_related = ["project"]
    autocomplete_fields = ["project", "created_by", "measures"]


@admin.register(ProjectImpact)
class ProjectImpactAdmin(AuditedAdmin):
    list_display = ["project", "staff_hours_saved_per_month", "patients_affected", "updated_at"]
    search_fields = ["=project__reference"]
    list_select_related = ["project"]
    autocomplete_fields = ["project", "updated_by"]


@admin.register(Saving)
class SavingAdmin(AuditedAdmin):
    list_display = [
        "description",
        "project",
        "amount",
        "kind",
        "claimed_by",
        "validated_amount",
        "validated_by",
    ]
    list_filter = ["kind"]
    search_fields = ["description", "=project__reference"]
    list_select_related = ["project", "claimed_by", "validated_by"]
    autocomplete_fields = ["project", "claimed_by", "validated_by"]
