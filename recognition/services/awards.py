"""Awards and nominations: the writes (the catalogue, the nomination workflow, outcomes) and
the one access gate every nomination view goes through.

A nomination belongs to its nominee's department (for a team, the nominator's, whose colleagues
the team is drawn from). Drafts are the nominator's alone (and admins'); once submitted, a
nomination is recognition and anyone in the department may read it. Champions and admins
record how it fares: shortlisted, won, not won; never for a nomination they have a stake in.
The reads are on the models: `Nomination.objects.visible_to(user)`, `Award.objects.closed()`,
`award.is_past_deadline`, `nomination.can_be_decided_by(user)`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format

from common.errors import WorkflowError
from common.optimistic_locking import save_changed_fields
from people.access import person_of
from people.models import Person
from recognition.models import Award, Nomination

Status = Nomination.Status


# Awards.


def check_award_takes_nominations(award: Award) -> None:
    if not award.is_open:
        raise WorkflowError(f"{award.name} is not taking nominations")
    if award.is_past_deadline:
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
            "This award from this awarding body is already in the catalogue", field="name"
        ) from error


# Who may do what with a nomination.

STAKE_MESSAGE = (
    "You are part of this nomination: another QI champion or an admin records how it fares"
)


def get_nomination_for(user, pk: int, *, action: str = "view") -> Nomination:
    """The nomination `pk` if `user` may `action` it: "view", "change" (the nominator's own
    draft: edit, submit, delete) or "decide" (record its outcome: champions and admins without
    a stake in it).

    One the user may not see is a 404, so a draft's existence does not leak; one they may see
    but not act on is a 403.
    """
    if action not in ("view", "change", "decide"):
        raise ValueError(f"Unknown action {action!r}")
    nomination = get_object_or_404(Nomination.objects.visible_to(user).with_nominee(), pk=pk)
    person = person_of(user)
    if action == "change" and (person is None or nomination.nominated_by_id != person.pk):
        raise PermissionDenied("Only the person who made this nomination can change it")
    if action == "decide" and not nomination.can_be_decided_by(user):
        if nomination.is_draft:
            raise PermissionDenied("A draft is its nominator's until they submit it")
        if nomination.involves(person):
            raise PermissionDenied(STAKE_MESSAGE)
        raise PermissionDenied("Only QI champions and admins record how a nomination fared")
    return nomination


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
    nominator's: nobody else moves them. Nobody decides a nomination they have a stake in
    (checked here too, as the view's check and this write are not one transaction)."""
    nomination = Nomination.objects.select_for_update(of=("self",)).get(pk=nomination_id)
    if status not in Nomination.DECIDED_STATUSES:
        raise WorkflowError("Choose submitted, shortlisted, won or not won", field="status")
    if nomination.status == Status.DRAFT:
        raise WorkflowError(
            "This nomination is still a draft: only its nominator can submit it", field="status"
        )
    if nomination.involves(changed_by):
        raise WorkflowError(STAKE_MESSAGE, field="status")
    if nomination.status == status:
        raise WorkflowError(
            f"This nomination is already {Status(status).label.lower()}", field="status"
        )
    nomination.status = status
    nomination.status_changed_by = changed_by
    nomination.status_changed_at = timezone.now()
    nomination.save(update_fields=["status", "status_changed_by", "status_changed_at"])
    return nomination
