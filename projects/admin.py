from django import forms
from django.contrib import admin
from django.utils import timezone

from common.history_admin import AuditedAdmin
from people.models import person_of
from projects.models import (
    ClosureReport,
    Interest,
    Membership,
    MentoringNote,
    ProgressUpdate,
    Project,
    ReferenceCounter,
    ReminderLog,
    ReviewDecision,
    RoleOpening,
    StrategicPriority,
    Task,
    TaskNote,
)
from projects.search import refresh_search_vectors, search_admin


@admin.register(StrategicPriority)
class StrategicPriorityAdmin(AuditedAdmin):
    list_display = ["name", "department", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["name", "description"]
    list_select_related = ["department"]


class RoleOpeningInline(admin.TabularInline):
    model = RoleOpening
    extra = 0


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["title", "estimated_hours", "due_date", "status"]


class ProjectAdminForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = "__all__"  # noqa: DJ007  # the admin shows what ProjectAdmin lists

    def clean(self):
        cleaned = super().clean()
        department, partners = cleaned.get("department"), cleaned.get("partner_departments")
        if department is not None and partners and department in partners:
            self.add_error(
                "partner_departments",
                f"{department} leads the project, so it is not another department involved",
            )
        return cleaned


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    form = ProjectAdminForm
    list_display = [
        "reference",
        "title",
        "kind",
        "stage",
        "department",
        "lead",
        "mentor",
        "created_at",
    ]
    list_filter = [
        "stage",
        "kind",
        "department",
        "partner_departments",
        "clinical_areas",
        "strategic_priorities",
    ]
    # Searched by get_search_results; these only tell the admin to show the search box.
    search_fields = ["reference", "title", "aim", "lead__display_name"]
    list_select_related = ["department", "lead", "mentor"]
    autocomplete_fields = ["lead", "co_leads", "mentor", "derived_from"]
    filter_horizontal = ["clinical_areas", "strategic_priorities", "partner_departments"]
    readonly_fields = [
        "reference",
        "submitted_at",
        "review_requested_at",
        "stage_changed_at",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "created_at"
    inlines = [RoleOpeningInline, TaskInline]
    show_full_result_count = False  # the register can hold 100,000 projects
    list_per_page = 50

    def get_search_results(self, request, queryset, search_term):
        """The register's full-text index (title, aim, problem, task text, each word matched
        as a prefix so the autocomplete finds a project as its title is typed), an exact
        reference, or the lead's name: never a scan of every project's text."""
        return search_admin(queryset, search_term), False

    def get_readonly_fields(self, request, obj=None):
        # Stage and mentor follow the governance workflow (review, closure sign-off); only a
        # superuser may correct them by hand.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["stage", "mentor"]
        return fields

    def save_model(self, request, obj, form, change):
        # A superuser moving a project past review by hand approves it (the constraint
        # `project_approved_before_working_stages`); the history says who.
        if obj.stage in Project.APPROVED_STAGES and obj.approved_at is None:
            obj.approved_at = timezone.now()
            obj.approved_by = person_of(request.user)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Title, aim, problem and task text are searchable: keep the index in step.
        refresh_search_vectors(Project.objects.filter(pk=form.instance.pk))


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ["title", "project", "estimated_hours", "due_date", "status", "claimed_by"]
    list_filter = ["status", "skills_needed"]
    # The title, or the project's exact reference: not descriptions and titles across the
    # whole register, which no index serves.
    search_fields = ["title", "=project__reference"]
    show_full_result_count = False
    list_select_related = ["project", "claimed_by"]
    autocomplete_fields = ["project", "claimed_by"]
    filter_horizontal = ["skills_needed"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_search_vectors(Project.objects.filter(pk=form.instance.project_id))


@admin.register(TaskNote)
class TaskNoteAdmin(AuditedAdmin):
    list_display = ["task", "author", "created_at"]
    search_fields = ["note", "task__title"]
    list_select_related = ["task", "author"]
    autocomplete_fields = ["task", "author"]


@admin.register(Interest)
class InterestAdmin(AuditedAdmin):
    list_display = ["person", "project", "role_opening", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["person__display_name", "=project__reference"]
    list_select_related = ["person", "project", "role_opening__project"]
    autocomplete_fields = ["person", "project", "role_opening", "decided_by"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["person", "project", "role_title", "joined_on", "left_on"]
    list_filter = ["left_on"]
    search_fields = ["person__display_name", "=project__reference", "role_title"]
    list_select_related = ["person", "project"]
    autocomplete_fields = ["person", "project", "role_opening"]
    show_full_result_count = False


@admin.register(RoleOpening)
class RoleOpeningAdmin(AuditedAdmin):
    list_display = ["title", "project", "places", "is_open"]
    list_filter = ["is_open"]
    search_fields = ["title", "=project__reference"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(AuditedAdmin):
    list_display = ["project", "date", "author"]
    search_fields = ["done", "=project__reference"]
    list_select_related = ["project", "author"]
    autocomplete_fields = ["project", "author"]
    date_hierarchy = "date"
    show_full_result_count = False


class SuperuserEditsOnly:
    """Governance records: made by the workflow; only a superuser corrects them."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(SuperuserEditsOnly, AuditedAdmin):
    list_display = ["project", "decision", "reason", "champion", "submitted_at", "decided_at"]
    list_filter = ["decision", "reason"]
    search_fields = ["=project__reference", "champion__display_name", "comment"]
    list_select_related = ["project", "champion"]
    autocomplete_fields = ["project", "champion"]
    date_hierarchy = "decided_at"


@admin.register(ClosureReport)
class ClosureReportAdmin(SuperuserEditsOnly, AuditedAdmin):
    list_display = [
        "project",
        "written_by",
        "submitted_at",
        "sent_back_at",
        "signed_off_by",
        "signed_off_at",
    ]
    search_fields = ["=project__reference"]
    list_select_related = ["project", "written_by", "signed_off_by"]
    autocomplete_fields = ["project", "written_by", "signed_off_by", "sent_back_by"]


@admin.register(MentoringNote)
class MentoringNoteAdmin(AuditedAdmin):
    list_display = ["project", "author", "date"]
    search_fields = ["=project__reference", "note"]
    list_select_related = ["project", "author"]
    autocomplete_fields = ["project", "author"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """Read-only: the record of reminders sent, which keeps send_reminders from repeating."""

    list_display = ["kind", "object_id", "recipient", "sent_on"]
    list_filter = ["kind", "sent_on"]
    search_fields = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(admin.ModelAdmin):
    list_display = ["year", "last_number"]

    # Numbers are issued by the application only, never edited.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
