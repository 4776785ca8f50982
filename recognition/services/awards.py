"""Awards and nominations: who sees which nomination, and the nomination workflow.

A nomination belongs to its nominee's department (for a team, the nominator's, whose colleagues
the team is drawn from). Drafts are the nominator's alone (and admins'); once submitted, a
nomination is recognition and anyone in the department may read it. Champions and admins
record how it fares: shortlisted, won, not won.

These reads would sit on the models as `Award.deadline_passed` and a `NominationQuerySet`;
they live here because recognition/models.py is shared and frozen for this piece of work.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format

from people.models import Person
from projects.models import Project
from projects.services import WorkflowError, save_changed_fields
from recognition.models import Award, Nomination

Status = Nomination.Status
Kind = Nomination.NomineeKind


# Awards.


def award_deadline_passed(award: Award, *, today: dt.date | None = None) -> bool:
    """Nominations are taken up to and including the deadline day."""
    today = today or timezone.localdate()
    return award.deadline is not None and award.deadline < today


def open_awards(*, today: dt.date | None = None) -> QuerySet[Award]:
    today = today or timezone.localdate()
    return Award.objects.filter(Q(deadline__isnull=True) | Q(deadline__gte=today), is_open=True)


def closed_awards(*, today: dt.date | None = None) -> QuerySet[Award]:
    """Awards no longer taking nominations, most recent deadline first."""
    today = today or timezone.localdate()
    return Award.objects.filter(Q(is_open=False) | Q(deadline__lt=today)).order_by(
        F("deadline").desc(nulls_last=True), "name"
    )


def check_award_takes_nominations(award: Award) -> None:
    if not award.is_open:
        raise WorkflowError(f"{award.name} is not taking nominations")
    if award_deadline_passed(award):
        deadline = date_format(award.deadline, "j F Y")
        raise WorkflowError(
            f"The deadline for {award.name} was {deadline}: the nomination cannot be submitted"
        )


def award_save(*, form) -> Award:
    """Add an award to the catalogue or save an edit, changed fields only.

    The form checks the name is new; the unique constraint settles two champions adding the
    same award at the same moment.
    """
    try:
        with transaction.atomic():
            if form.instance.pk:
                return save_changed_fields(form)
            return form.save()
    except IntegrityError as error:
        raise WorkflowError(
            "This award from this awarding body is already in the catalogue"
        ) from error


# Who sees which nomination.


def in_department(department_id: int) -> Q:
    """Nominations whose nominee belongs to the department."""
    return (
        Q(nominee_kind=Kind.PERSON, person__department_id=department_id)
        | Q(nominee_kind=Kind.PROJECT, project__department_id=department_id)
        | Q(nominee_kind=Kind.TEAM, nominated_by__department_id=department_id)
    )


def nominee_department_id(nomination: Nomination) -> int:
    """Reads the nominee (or, for a team, the nominator): one query unless select_related."""
    if nomination.nominee_kind == Kind.PERSON:
        return nomination.person.department_id
    if nomination.nominee_kind == Kind.PROJECT:
        return nomination.project.department_id
    return nomination.nominated_by.department_id


def nominations_visible_to(user) -> QuerySet[Nomination]:
    """The nominator's own, any status; everyone else's in the department once submitted."""
    nominations = Nomination.objects.all()
    if user.is_staff:
        return nominations
    person = getattr(user, "person", None)
    if person is None:
        return nominations.none()
    return nominations.filter(
        Q(nominated_by=person) | (~Q(status=Status.DRAFT) & in_department(person.department_id))
    )


def nominable_projects(user, nominator: Person) -> QuerySet[Project]:
    """Submitted projects of the nominator's department: those the nominate form offers."""
    return Project.objects.visible_to(user).filter(
        submitted_at__isnull=False, department_id=nominator.department_id
    )


def with_nominee(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """Everything a row shows: the award, the nominee's name and who nominated."""
    return nominations.select_related("award", "person", "project", "nominated_by")


def recognition_for_person(person: Person, *, user) -> QuerySet[Nomination]:
    """Submitted nominations of the person, alone or in a team, wins first."""
    as_team_member = Nomination.team_members.through.objects.filter(person=person).values(
        "nomination_id"
    )
    return _wins_first(
        nominations_visible_to(user)
        .exclude(status=Status.DRAFT)
        .filter(Q(person=person) | Q(pk__in=as_team_member))
    )


def recognition_for_project(project: Project, *, user) -> QuerySet[Nomination]:
    """Submitted nominations of the project, and of teams its lead was part of, wins first."""
    lead_in_team = Nomination.team_members.through.objects.filter(person_id=project.lead_id).values(
        "nomination_id"
    )
    return _wins_first(
        nominations_visible_to(user)
        .exclude(status=Status.DRAFT)
        .filter(Q(project=project) | Q(nominee_kind=Kind.TEAM, pk__in=lead_in_team))
    )


def recent_wins(*, user, limit: int = 6) -> QuerySet[Nomination]:
    return with_nominee(nominations_visible_to(user).filter(status=Status.WON)).order_by(
        F("status_changed_at").desc(nulls_last=True), "-pk"
    )[:limit]


def _wins_first(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    won_first = Case(
        When(status=Status.WON, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return with_nominee(nominations).order_by(won_first, "-submitted_at", "-pk")


def get_nomination_for(user, pk: int, *, action: str = "view") -> Nomination:
    """The nomination `pk` if `user` may `action` it: "view", "change" (the nominator's own
    draft: edit, submit, delete) or "decide" (record its outcome: champions and admins).

    One the user may not see is a 404, so a draft's existence does not leak; one they may see
    but not act on is a 403.
    """
    if action not in ("view", "change", "decide"):
        raise ValueError(f"Unknown action {action!r}")
    nomination = get_object_or_404(with_nominee(nominations_visible_to(user)), pk=pk)
    person = getattr(user, "person", None)
    if action == "change" and (person is None or nomination.nominated_by_id != person.pk):
        raise PermissionDenied("Only the person who made this nomination can change it")
    if action == "decide" and not may_decide(user, nomination):
        raise PermissionDenied("Only QI champions and admins record how a nomination fared")
    return nomination


def may_manage_awards(user) -> bool:
    person = getattr(user, "person", None)
    return user.is_staff or (person is not None and person.is_champion)


def may_decide(user, nomination: Nomination) -> bool:
    """Admins, and champions of the nominee's department."""
    if user.is_staff:
        return True
    person = getattr(user, "person", None)
    return (
        person is not None
        and person.is_champion
        and nominee_department_id(nomination) == person.department_id
    )


def status_timeline(nomination: Nomination) -> list[dict]:
    """Each change of status since submission, oldest first, from the nomination's history."""
    records = nomination.history.order_by("history_date", "history_id").select_related(
        "status_changed_by", "nominated_by"
    )
    timeline, previous = [], Status.DRAFT
    for record in records:
        if record.status != previous and record.status != Status.DRAFT:
            timeline.append(
                {
                    "status": Status(record.status).label,
                    "colour": Nomination.STATUS_TAG_COLOURS[record.status],
                    "at": record.status_changed_at or record.submitted_at,
                    "by": record.status_changed_by or record.nominated_by,
                }
            )
        previous = record.status
    return timeline


# The nomination workflow.


def _apply_nominee(nomination: Nomination, cleaned: dict) -> None:
    nomination.nominee_kind = cleaned["nominee_kind"]
    nomination.person = cleaned.get("person")
    nomination.project = cleaned.get("project")
    nomination.team_name = cleaned.get("team_name", "")
    nomination.citation = cleaned["citation"]


NOMINEE_FIELDS = ["nominee_kind", "person", "project", "team_name", "citation"]


def _mark_submitted(nomination: Nomination, award: Award) -> None:
    check_award_takes_nominations(award)
    nomination.status = Status.SUBMITTED
    nomination.submitted_at = timezone.now()


@transaction.atomic
def nomination_create(*, form, award: Award, nominated_by: Person, submit: bool) -> Nomination:
    """Save a valid NominationForm as a draft, or submitted if asked and the award is open."""
    nomination = Nomination(award=award, nominated_by=nominated_by)
    _apply_nominee(nomination, form.cleaned_data)
    if submit:
        _mark_submitted(nomination, award)
    nomination.save()
    nomination.team_members.set(form.cleaned_data.get("team_members") or [])
    return nomination


def _locked_draft(nomination_id: int, person: Person) -> Nomination:
    # of=("self",): lock the nomination only, not the award every nomination shares.
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("award")
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None:
        raise WorkflowError("This draft has just been deleted")
    if nomination.nominated_by_id != person.pk:
        raise WorkflowError("Only the person who made this nomination can change it")
    if nomination.status != Status.DRAFT:
        raise WorkflowError("This nomination has been submitted: it can no longer be changed")
    return nomination


@transaction.atomic
def nomination_update(*, nomination_id: int, form, person: Person, submit: bool) -> Nomination:
    """Save the nominator's edit of their draft, and submit it if asked.

    Every nominee field is written, not just the changed ones: moving from a person to a team
    must empty the person, whatever the form's select still holds.
    """
    nomination = _locked_draft(nomination_id, person)
    _apply_nominee(nomination, form.cleaned_data)
    fields = list(NOMINEE_FIELDS)
    if submit:
        _mark_submitted(nomination, nomination.award)
        fields += ["status", "submitted_at"]
    nomination.save(update_fields=fields)
    nomination.team_members.set(form.cleaned_data.get("team_members") or [])
    return nomination


@transaction.atomic
def nomination_submit(*, nomination_id: int, person: Person) -> Nomination:
    nomination = _locked_draft(nomination_id, person)
    _mark_submitted(nomination, nomination.award)
    nomination.save(update_fields=["status", "submitted_at"])
    return nomination


@transaction.atomic
def nomination_delete(*, nomination_id: int, person: Person) -> None:
    _locked_draft(nomination_id, person).delete()


@transaction.atomic
def nomination_set_status(*, nomination_id: int, status: str, changed_by: Person) -> Nomination:
    """A champion or admin records how a submitted nomination fared. Drafts stay the
    nominator's: nobody else moves them."""
    nomination = Nomination.objects.select_for_update(of=("self",)).get(pk=nomination_id)
    if status not in Nomination.DECIDED_STATUSES:
        raise WorkflowError("Choose submitted, shortlisted, won or not won")
    if nomination.status == Status.DRAFT:
        raise WorkflowError("This nomination is still a draft: only its nominator can submit it")
    if nomination.status == status:
        raise WorkflowError(f"This nomination is already {Status(status).label.lower()}")
    nomination.status = status
    nomination.status_changed_by = changed_by
    nomination.status_changed_at = timezone.now()
    nomination.save(update_fields=["status", "status_changed_by", "status_changed_at"])
    return nomination
