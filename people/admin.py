from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from common.history_admin import AuditedAdmin
from people.models import (
    Booking,
    ChampionAssignment,
    ClinicalArea,
    Completion,
    Course,
    Department,
    ExportLog,
    MentoringPair,
    MentoringSessionNote,
    MentorRequest,
    Person,
    QIConversation,
    SingleSignOnIdentity,
    Skill,
    TrainingSession,
)
from qiregister import privacy

User = get_user_model()


class ClinicalAreaInline(admin.TabularInline):
    model = ClinicalArea
    extra = 0


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "slug", "qi_lead"]
    search_fields = ["name"]
    list_select_related = ["qi_lead"]
    autocomplete_fields = ["qi_lead"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ClinicalAreaInline]


class ChampionAssignmentInline(admin.TabularInline):
    model = ChampionAssignment
    extra = 0
    autocomplete_fields = ["person", "clinical_area"]


@admin.register(ClinicalArea)
class ClinicalAreaAdmin(AuditedAdmin):
    list_display = ["name", "department"]
    list_filter = ["department"]
    search_fields = ["name", "department__name"]
    list_select_related = ["department"]
    inlines = [ChampionAssignmentInline]


class PersonAdminForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "user",
            "display_name",
            "job_role",
            "band",
            "department",
            "clinical_areas",
            "line_manager",
            "email",
            "qi_hours_per_month",
            "interests",
            "skills",
            "preferred_areas",
            "open_to_buddy_tasks",
        ]

    def clean(self):
        cleaned = super().clean()
        department = cleaned.get("department")
        areas = cleaned.get("clinical_areas")
        if department and areas:
            foreign = [area.name for area in areas if area.department_id != department.pk]
            if foreign:
                self.add_error(
                    "clinical_areas",
                    f"These areas belong to another department: {', '.join(foreign)}.",
                )
        manager = cleaned.get("line_manager")
        if manager and self.instance.pk and manager.pk == self.instance.pk:
            self.add_error("line_manager", "A person cannot be their own line manager.")
        return cleaned


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    form = PersonAdminForm
    list_display = ["display_name", "job_role", "band", "department", "line_manager"]
    list_filter = ["department", "job_role", "band", "open_to_buddy_tasks", "clinical_areas"]
    search_fields = ["display_name", "email", "user__username"]
    autocomplete_fields = ["user", "line_manager"]
    filter_horizontal = ["clinical_areas", "skills", "preferred_areas"]
    list_select_related = ["department", "line_manager"]
    show_full_result_count = False
    inlines = [ChampionAssignmentInline]
    actions = ["export_personal_data", "anonymise_leavers"]

    def has_export_personal_data_permission(self, request) -> bool:
        return request.user.has_perm("people.export_personal_data")

    def has_anonymise_person_permission(self, request) -> bool:
        return request.user.has_perm("people.anonymise_person")

    @admin.action(
        description="Export personal data (subject access request)",
        permissions=["export_personal_data"],
    )
    def export_personal_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select one person to export their personal data.", messages.ERROR
            )
            return None
        person = queryset.select_related("user").get()
        archive = privacy.subject_access_export(person)
        ExportLog.record(
            request.user, "subject_access_export", f"Subject access export of {person}", [person]
        )
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="personal-data-{person.pk}-{timezone.localdate()}.zip"'
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Anonymise leavers…", permissions=["anonymise_person"])
    def anonymise_leavers(self, request, queryset):
        """Ask first (a page listing what is kept and deleted), then anonymise on "yes"."""
        people = list(queryset.select_related("user"))
        already = [person for person in people if privacy.is_anonymised(person)]
        people = [person for person in people if person not in already]
        if already:
            self.message_user(
                request, f"{len(already)} already anonymised, left as they are.", messages.WARNING
            )
        if not people:
            return None
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Anonymise leavers",
                "opts": self.model._meta,
                "people": [
                    {"person": person, "impact": privacy.anonymisation_impact(person)}
                    for person in people
                ],
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "media": self.media,
            }
            return TemplateResponse(
                request, "admin/people/person/anonymise_confirmation.html", context
            )
        done = 0
        for person in people:
            try:
                result = privacy.anonymise_leaver(person, by=request.user)
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            done += 1
            self.log_change(request, result.person, privacy.ANONYMISED_REASON)
            if not result.name_swept:
                self.message_user(
                    request,
                    f"Person {person.pk}: their name is short or shared with someone else, so "
                    "free text that mentions it was left alone; check notes by hand.",
                    messages.WARNING,
                )
        if done:
            self.message_user(request, f"Anonymised {done} leaver{'s' if done != 1 else ''}.")
        return None


@admin.register(ChampionAssignment)
class ChampionAssignmentAdmin(AuditedAdmin):
    list_display = ["person", "clinical_area", "started_on"]
    list_filter = ["clinical_area__department", "clinical_area"]
    search_fields = ["person__display_name", "clinical_area__name"]
    autocomplete_fields = ["person", "clinical_area"]
    list_select_related = ["person", "clinical_area"]


@admin.register(Skill)
class SkillAdmin(AuditedAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(QIConversation)
class QIConversationAdmin(AuditedAdmin):
    list_display = ["person", "manager", "date", "agreed_hours_per_month"]
    search_fields = ["person__display_name", "manager__display_name", "note"]
    list_select_related = ["person", "manager"]
    autocomplete_fields = ["person", "manager"]
    date_hierarchy = "date"


@admin.register(Course)
class CourseAdmin(AuditedAdmin):
    list_display = ["name", "level", "is_induction"]
    list_filter = ["level", "is_induction"]
    search_fields = ["name"]


class BookingFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        capacity = self.instance.capacity
        if capacity is not None and len(kept) > capacity:
            raise forms.ValidationError(
                f"{len(kept)} bookings but only {capacity} places: the session would be overbooked"
            )


class BookingInline(admin.TabularInline):
    model = Booking
    formset = BookingFormSet
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(AuditedAdmin):
    list_display = ["course", "starts_at", "place", "capacity", "trainer"]
    list_filter = ["course"]
    search_fields = ["course__name", "place", "trainer__display_name"]
    list_select_related = ["course", "trainer"]
    autocomplete_fields = ["trainer"]
    date_hierarchy = "starts_at"
    inlines = [BookingInline]


@admin.register(Completion)
class CompletionAdmin(AuditedAdmin):
    list_display = ["person", "course", "completed_on"]
    list_filter = ["course"]
    search_fields = ["person__display_name", "course__name", "evidence"]
    list_select_related = ["person", "course"]
    autocomplete_fields = ["person"]
    show_full_result_count = False
    date_hierarchy = "completed_on"


@admin.register(MentoringPair)
class MentoringPairAdmin(AuditedAdmin):
    list_display = ["mentor", "mentee", "started_on", "ended_on"]
    search_fields = ["mentor__display_name", "mentee__display_name"]
    list_select_related = ["mentor", "mentee"]
    autocomplete_fields = ["mentor", "mentee"]


@admin.register(MentoringSessionNote)
class MentoringSessionNoteAdmin(AuditedAdmin):
    list_display = ["pair", "author", "date"]
    list_select_related = ["pair__mentor", "pair__mentee", "author"]
    autocomplete_fields = ["pair", "author"]


@admin.register(MentorRequest)
class MentorRequestAdmin(AuditedAdmin):
    list_display = ["mentee", "clinical_area", "status", "created_at"]
    list_filter = ["status", "clinical_area"]
    search_fields = ["mentee__display_name", "message"]
    list_select_related = ["mentee", "clinical_area"]
    autocomplete_fields = ["mentee", "pair"]


@admin.register(SingleSignOnIdentity)
class SingleSignOnIdentityAdmin(AuditedAdmin):
    """Staff and superuser accounts are linked here, never by a sign-in: copy the issuer and
    subject (and for Entra ID the tenant and object IDs) from the security log's line
    "Single sign-on refused: ... is staff or superuser"."""

    list_display = ["user", "issuer", "subject", "object_id", "linked_at"]
    search_fields = ["user__username", "user__email", "subject", "object_id"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    date_hierarchy = "linked_at"


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    pass


admin.site.site_header = "QI Register administration"
admin.site.site_title = "QI Register admin"


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence of who took personal data out, so nobody edits it."""

    list_display = ["exported_at", "user", "kind", "description"]
    list_filter = ["kind"]
    search_fields = ["user__username", "description", "subjects__display_name"]
    date_hierarchy = "exported_at"
    list_select_related = ["user"]
    readonly_fields = ["user", "exported_at", "kind", "description", "subjects"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
