from django import forms
from django.contrib import admin

from common.history_admin import AuditedAdmin
from recognition.models import (
    AppraisalNote,
    Award,
    ContributionKind,
    DisplayLink,
    Nomination,
    PortfolioDomain,
    Poster,
    ShowcaseSession,
    ShowcaseSlot,
)


class ShowcaseSlotInline(admin.TabularInline):
    model = ShowcaseSlot
    extra = 0
    autocomplete_fields = ["project", "presenters", "booked_by", "confirmed_by"]


@admin.register(ShowcaseSession)
class ShowcaseSessionAdmin(AuditedAdmin):
    list_display = ["title", "starts_at", "place", "slot_count", "slot_minutes", "department"]
    list_filter = ["department"]
    search_fields = ["title", "place"]
    list_select_related = ["department"]
    autocomplete_fields = ["created_by"]
    date_hierarchy = "starts_at"
    inlines = [ShowcaseSlotInline]


@admin.register(Poster)
class PosterAdmin(AuditedAdmin):
    list_display = ["project", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["project", "uploaded_by"]
    autocomplete_fields = ["project", "uploaded_by"]
    readonly_fields = ["content_type", "size", "original_name", "thumbnail"]


@admin.register(DisplayLink)
class DisplayLinkAdmin(AuditedAdmin):
    list_display = ["name", "department", "created_by", "created_at", "revoked_at", "last_used_at"]
    list_select_related = ["department", "created_by"]
    readonly_fields = ["token_digest", "created_by", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        # A link is made on the board page, which shows its secret once; the admin cannot.
        return False


@admin.register(Award)
class AwardAdmin(AuditedAdmin):
    list_display = ["name", "awarding_body", "level", "deadline", "is_open"]
    list_filter = ["level", "is_open"]
    search_fields = ["name", "awarding_body"]


@admin.register(Nomination)
class NominationAdmin(AuditedAdmin):
    list_display = ["__str__", "nominee_kind", "status", "nominated_by", "submitted_at"]
    list_filter = ["status", "nominee_kind", "award"]
    list_select_related = ["award", "person", "project", "nominated_by"]
    autocomplete_fields = [
        "award",
        "person",
        "team_members",
        "project",
        "nominated_by",
        "status_changed_by",
    ]


@admin.register(AppraisalNote)
class AppraisalNoteAdmin(AuditedAdmin):
    list_display = ["person", "manager", "period_start", "period_end", "updated_at"]
    search_fields = ["person__display_name", "manager__display_name"]
    list_select_related = ["person", "manager"]
    autocomplete_fields = ["person", "manager"]


class PortfolioDomainForm(forms.ModelForm):
    contribution_kinds = forms.TypedMultipleChoiceField(
        choices=ContributionKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The contributions that count as evidence for this domain.",
    )

    class Meta:
        model = PortfolioDomain
        fields = ["department", "name", "description", "contribution_kinds", "order"]


@admin.register(PortfolioDomain)
class PortfolioDomainAdmin(AuditedAdmin):
    form = PortfolioDomainForm
    list_display = ["name", "department", "order"]
    list_filter = ["department"]
    list_select_related = ["department"]
