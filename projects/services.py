"""Writes that touch more than one row: proposing, submitting and updating projects."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from common.email import notify
from common.errors import WorkflowError
from common.optimistic_locking import refuse_if_saved_since_opened, save_changed_fields
from people.models import ChampionAssignment, Person
from projects import notifications, stages
from projects.models import (
    ClosureReport,
    Interest,
    Membership,
    ProgressUpdate,
    Project,
    ReviewDecision,
    RoleOpening,
    Task,
    TaskNote,
)
from projects.search import refresh_search_vectors


def next_reference(*, year: int) -> str:
    """The next project reference for `year`, e.g. QI-2026-014; never the same twice.

    One upsert both creates the year's counter and increments it, so two submissions at the
    same moment serialise on the counter row and get different numbers.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO projects_referencecounter (year, last_number) VALUES (%s, 1)
            ON CONFLICT (year) DO UPDATE
                SET last_number = projects_referencecounter.last_number + 1
            RETURNING last_number
            """,
            [year],
        )
        (number,) = cursor.fetchone()
    return f"QI-{year}-{number:03d}"


@transaction.atomic
def project_create(*, form, lead: Person, submit: bool) -> Project:
    """Save a proposed project from a valid ProjectForm; submit it for review if asked."""
    project = form.save(commit=False)
    project.lead = lead
    project.department = lead.department
    project.stage = Project.Stage.IDEA
    project.save()
    form.save_m2m()
    if submit:
        project = project_submit(project=project)
    refresh_search_vectors(Project.objects.filter(pk=project.pk))
    return project


@transaction.atomic
def project_submit(*, project: Project) -> Project:
    """Send a proposal for review: first submission gives the reference; resubmission after
    a request for changes puts it back in the champions' queue."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    now = timezone.now()
    if project.is_draft:
        stages.check_move(project, Project.Stage.PROPOSED)
        project.submitted_at = project.review_requested_at = project.stage_changed_at = now
        project.reference = next_reference(year=timezone.localdate().year)
        project.stage = Project.Stage.PROPOSED
        project.save(
            update_fields=[
                "submitted_at",
                "review_requested_at",
                "stage_changed_at",
                "reference",
                "stage",
                "updated_at",
            ]
        )
    elif project.stage == Project.Stage.PROPOSED and project.review_requested_at is None:
        project.review_requested_at = now
        project.save(update_fields=["review_requested_at", "updated_at"])
    else:
        raise WorkflowError("This project is not waiting to be submitted")
    return project


@transaction.atomic
def project_update(*, form, user) -> Project:
    """Save the edit form; a stage change must be one the lifecycle allows this user.

    Optimistic locking: the form carries the version it was opened at. Under the row lock, a
    different stored version means someone saved the project meanwhile, and saving this form
    would overwrite their change unseen, so it is refused (EditConflict) and nothing is written.
    """
    before = Project.objects.select_for_update().get(pk=form.instance.pk)
    refuse_if_saved_since_opened(form, before)  # first: a stale stage is no stage change
    new_stage = form.cleaned_data.get("stage", before.stage)
    if new_stage != before.stage:
        if not stages.may_move(user, before, new_stage) or (before.stage, new_stage) in (
            stages.WORKFLOW_ONLY
        ):
            raise WorkflowError("That change of stage is not allowed", field="stage")
        form.instance.stage_changed_at = timezone.now()
        form.changed_data.append("stage_changed_at")
    project = save_changed_fields(form)
    refresh_search_vectors(Project.objects.filter(pk=project.pk))
    return project


@transaction.atomic
def task_save(*, form, project: Project) -> Task:
    if form.instance.pk:
        task = save_changed_fields(form)
    else:
        task = form.save(commit=False)
        task.project = project
        task.save()
        form.save_m2m()
    # Task text is searchable from the register.
    refresh_search_vectors(Project.objects.filter(pk=project.pk))
    return task


@transaction.atomic
def role_opening_save(*, form, project: Project) -> RoleOpening:
    if form.instance.pk:
        return save_changed_fields(form)
    opening = form.save(commit=False)
    opening.project = project
    opening.save()
    return opening


@transaction.atomic
def progress_update_save(*, form, project: Project, author: Person) -> ProgressUpdate:
    if form.instance.pk:
        return save_changed_fields(form)
    update = form.save(commit=False)
    update.project = project
    update.author = author
    update.save()
    return update


# Joining: interest, applications and team membership.


@transaction.atomic
def interest_express(
    *, project: Project, person: Person, role_opening: RoleOpening | None = None, message: str = ""
) -> Interest:
    # Lock the project so a double-click cannot create two requests (or hit the constraint).
    project = Project.objects.select_for_update().get(pk=project.pk)
    if why_not := project.why_cannot_join(person):
        raise WorkflowError(why_not)
    if role_opening is not None and (
        role_opening.project_id != project.pk or not role_opening.is_open
    ):
        raise WorkflowError("That role is not open")
    interest = Interest.objects.create(
        project=project, person=person, role_opening=role_opening, message=message
    )
    notify(
        to=notifications.project_team_leads(project),
        subject=f"{person.display_name} would like to join {project.reference}",
        template="interest_received",
        context={"interest": interest, "project": project},
    )
    return interest


@transaction.atomic
def interest_decide(*, interest_id: int, decided_by: Person | None, accept: bool) -> Interest:
    """Accept (making a membership) or decline a pending request.

    The role opening's row is locked while its places are counted, so two leads accepting at
    the same moment can never fill more places than the opening has.
    """
    interest = (
        Interest.objects.select_for_update(of=("self",))
        .select_related("project", "person")
        .get(pk=interest_id)
    )
    if interest.status != Interest.Status.PENDING:
        raise WorkflowError(f"This request is already {interest.get_status_display().lower()}")
    project = interest.project
    if accept and not project.is_taking_people:
        raise WorkflowError(project.why_not_taking_people)
    if accept:
        opening = None
        if interest.role_opening_id:
            opening = RoleOpening.objects.select_for_update().get(pk=interest.role_opening_id)
            filled = opening.memberships.filter(left_on__isnull=True).count()
            if not opening.is_open or filled >= opening.places:
                raise WorkflowError(
                    f"No places left for {opening.title}: {filled} of {opening.places} taken"
                )
        if project.memberships.filter(person=interest.person, left_on__isnull=True).exists():
            raise WorkflowError(f"{interest.person} is already on the team")
        source = opening or project
        Membership.objects.create(
            project=project,
            person=interest.person,
            role_opening=opening,
            role_title=opening.title if opening else "Team member",
            commitment_hours=source.commitment_hours,
            commitment_period=source.commitment_period,
            commitment_weeks=source.commitment_weeks,
        )
    interest.status = Interest.Status.ACCEPTED if accept else Interest.Status.DECLINED
    interest.decided_by = decided_by
    interest.decided_at = timezone.now()
    interest.save(update_fields=["status", "decided_by", "decided_at"])
    notify(
        to=[interest.person],
        subject=f"{'Accepted' if accept else 'Your request'} on {project.reference}",
        template="interest_decided",
        context={"interest": interest, "project": project, "accepted": accept},
    )
    return interest


@transaction.atomic
def interest_withdraw(*, interest_id: int, person: Person) -> Interest:
    interest = Interest.objects.select_for_update().get(pk=interest_id, person=person)
    if interest.status != Interest.Status.PENDING:
        raise WorkflowError("Only a request that is still waiting can be withdrawn")
    interest.status = Interest.Status.WITHDRAWN
    interest.save(update_fields=["status"])
    return interest


# The buddy system: one claimant per task.


def _locked_task(task_id: int) -> Task:
    # of=("self",): lock the task only, not its project, so claims on one project don't queue.
    return Task.objects.select_for_update(of=("self",)).select_related("project").get(pk=task_id)


@transaction.atomic
def task_claim(*, task_id: int, person: Person) -> Task:
    """Claim an open task. The row lock means two claims at once: exactly one succeeds."""
    task = _locked_task(task_id)
    if why_not := task.why_cannot_claim(person):
        raise WorkflowError(why_not)
    now = timezone.now()
    task.status = Task.Status.CLAIMED
    task.claimed_by = person
    task.claimed_at = task.last_activity_at = now
    task.save(update_fields=["status", "claimed_by", "claimed_at", "last_activity_at"])
    notify(
        to=notifications.project_team_leads(task.project),
        subject=f"{person.display_name} claimed a task on {task.project.reference}",
        template="task_claimed",
        context={"task": task},
    )
    return task


@transaction.atomic
def task_release(*, task_id: int) -> Task:
    task = _locked_task(task_id)
    if task.status != Task.Status.CLAIMED:
        raise WorkflowError("Only a claimed task can be released")
    task.status = Task.Status.OPEN
    task.claimed_by = None
    task.claimed_at = task.last_activity_at = None
    task.save(update_fields=["status", "claimed_by", "claimed_at", "last_activity_at"])
    return task


@transaction.atomic
def task_record_progress(*, task_id: int, author: Person, note: str) -> TaskNote:
    task = _locked_task(task_id)
    if task.status != Task.Status.CLAIMED:
        raise WorkflowError("Progress can be recorded on a claimed task only")
    entry = TaskNote.objects.create(task=task, author=author, note=note)
    task.last_activity_at = entry.created_at
    task.save(update_fields=["last_activity_at"])
    return entry


@transaction.atomic
def task_complete(*, task_id: int, actual_hours, output_url: str = "") -> Task:
    task = _locked_task(task_id)
    if task.status == Task.Status.DONE:
        raise WorkflowError("This task is already done")
    if task.status != Task.Status.CLAIMED:
        raise WorkflowError("Claim the task before marking it done")
    now = timezone.now()
    task.status = Task.Status.DONE
    task.actual_hours = actual_hours
    task.output_url = output_url
    task.completed_at = task.last_activity_at = now
    task.save(
        update_fields=["status", "actual_hours", "output_url", "completed_at", "last_activity_at"]
    )
    refresh_search_vectors(Project.objects.filter(pk=task.project_id))
    return task


@transaction.atomic
def task_reassign(*, task_id: int, to: Person) -> Task:
    task = _locked_task(task_id)
    if task.status == Task.Status.DONE:
        raise WorkflowError("A done task cannot be reassigned; reopen it first")
    if task.project.is_closed:
        raise WorkflowError("This project is closed")
    now = timezone.now()
    task.status = Task.Status.CLAIMED
    task.claimed_by = to
    task.claimed_at = task.last_activity_at = now
    task.save(update_fields=["status", "claimed_by", "claimed_at", "last_activity_at"])
    return task


@transaction.atomic
def task_reopen(*, task_id: int) -> Task:
    task = _locked_task(task_id)
    if task.status == Task.Status.OPEN:
        raise WorkflowError("This task is already open")
    task.status = Task.Status.OPEN
    task.claimed_by = None
    task.claimed_at = task.last_activity_at = task.completed_at = None
    task.actual_hours = None
    task.output_url = ""
    task.save(
        update_fields=[
            "status",
            "claimed_by",
            "claimed_at",
            "last_activity_at",
            "completed_at",
            "actual_hours",
            "output_url",
        ]
    )
    return task


# Review and governance.


@transaction.atomic
def review_decide(
    *,
    project: Project,
    champion: Person,
    decision: str,
    comment: str = "",
    reason: str = "",
    mentor: Person | None = None,
) -> ReviewDecision:
    """Record a champion's decision on a proposal waiting for review, and tell the lead."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.stage != Project.Stage.PROPOSED or project.review_requested_at is None:
        raise WorkflowError("This proposal is not waiting for review")
    if project.is_working_on(champion):
        raise WorkflowError(f"{champion} works on this project, so another champion must review it")
    if mentor is not None and project.is_working_on(mentor):
        raise WorkflowError(f"{mentor} works on this project, so cannot be its mentor")
    Decision = ReviewDecision.Decision
    record = ReviewDecision.objects.create(
        project=project,
        champion=champion,
        decision=decision,
        comment=comment,
        reason=reason if decision == Decision.DECLINED else "",
        submitted_at=project.review_requested_at,
    )
    now = record.decided_at
    project.review_requested_at = None
    fields = ["review_requested_at", "updated_at"]
    if decision == Decision.APPROVED:
        stages.check_move(project, Project.Stage.PLANNING)
        project.stage, project.mentor = Project.Stage.PLANNING, mentor or champion
        project.stage_changed_at = project.approved_at = now
        project.approved_by = champion
        fields += ["stage", "mentor", "stage_changed_at", "approved_at", "approved_by"]
    elif decision == Decision.DECLINED:
        stages.check_move(project, Project.Stage.CLOSED)
        project.stage, project.stage_changed_at = Project.Stage.CLOSED, now
        fields += ["stage", "stage_changed_at"]
    project.save(update_fields=fields)
    notify(
        to=[project.lead, *project.co_leads.all()],
        subject=f"{record.outcome}: {project.reference}",
        template="review_decided",
        context={"decision": record, "project": project},
    )
    return record


def closure_signers(project: Project) -> list[Person]:
    """Who is asked to sign off the closure report (`stages.may_sign_off`): the mentor; when
    there is none or the mentor works on the project, the free champions of its areas; when
    none is free, the department's QI lead. Nobody who works on the project."""
    working = set(project.people_working_on().values_list("pk", flat=True))
    if project.mentor is not None and project.mentor_id not in working:
        return [project.mentor]
    champions = {
        assignment.person
        for assignment in ChampionAssignment.objects.filter(
            clinical_area__projects=project
        ).select_related("person__user")
        if assignment.person_id not in working
    }
    if champions:
        return sorted(champions, key=lambda person: person.display_name)
    qi_lead = project.department.qi_lead
    return [qi_lead] if qi_lead is not None and qi_lead.pk not in working else []


@transaction.atomic
def closure_report_save(*, form, project: Project, author: Person) -> ClosureReport:
    """Write, rewrite or resubmit the closure report and send it for sign-off, unless it is
    signed off meanwhile. A report that was not waiting (new, or sent back) is sent to whoever
    signs it off (`closure_signers`), by email; a change while it waits sends nothing new.

    The project row is locked first, so two saves of a new report, or a save racing the
    sign-off or a send-back, are taken one after the other and checked against what is stored.
    """
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("mentor", "department__qi_lead")
        .get(pk=project.pk)
    )
    report = ClosureReport.objects.filter(project=project).first()
    if report is not None and report.signed_off_at:
        raise WorkflowError("The closure report is signed off; it can no longer change")
    now = timezone.now()
    newly_waiting = report is None or not report.is_waiting
    if report is None:
        report = ClosureReport(project=project)
    for name, value in form.cleaned_data.items():
        setattr(report, name, value)
    report.written_by, report.written_at = author, now
    fields = [*form.cleaned_data, "written_by", "written_at"]
    if newly_waiting:
        report.submitted_at = now
        fields.append("submitted_at")
    if report.pk is None:
        report.save()
    else:
        report.save(update_fields=fields)
    if newly_waiting:
        notify(
            to=closure_signers(project),
            subject=f"Closure report to sign off: {project.reference}",
            template="closure_report_submitted",
            context={"project": project, "report": report, "author": author},
        )
    return report


def why_not_waiting_for_sign_off(report: ClosureReport | None) -> str | None:
    """Why a closure report can be neither signed off nor sent back now; None if it waits."""
    if report is None:
        return "A project needs a closure report before it can be completed"
    if report.is_signed_off:
        return "The closure report is already signed off"
    if report.is_sent_back:
        return "The closure report was sent back to the lead; it waits for them to resubmit it"
    return None


def _locked_waiting_report(project: Project, champion: Person) -> tuple[Project, ClosureReport]:
    """The project and its closure report under row locks, if the report waits for sign-off
    and `champion` does not work on the project."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    report = ClosureReport.objects.select_for_update().filter(project=project).first()
    if reason := why_not_waiting_for_sign_off(report):
        raise WorkflowError(reason)
    if project.is_working_on(champion):
        raise WorkflowError(
            f"{champion} works on this project, so another champion must sign off its closure"
        )
    return project, report


@transaction.atomic
def closure_sign_off(*, project: Project, champion: Person) -> Project:
    """The mentor signs off the closure report, which completes the project."""
    project, report = _locked_waiting_report(project, champion)
    if (project.stage, Project.Stage.COMPLETED) not in stages.RULES:
        raise WorkflowError("Only a project that is implementing or sustaining can complete")
    report.signed_off_by, report.signed_off_at = champion, timezone.now()
    report.save(update_fields=["signed_off_by", "signed_off_at"])
    project.stage, project.stage_changed_at = Project.Stage.COMPLETED, report.signed_off_at
    project.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    return project


@transaction.atomic
def closure_report_send_back(*, project: Project, champion: Person, comment: str) -> ClosureReport:
    """The mentor sends the closure report back to the lead with what to change; the lead and
    co-leads are emailed. The report's history keeps every send-back and its comment."""
    if not comment.strip():
        raise WorkflowError("Say what the lead should change")
    project, report = _locked_waiting_report(project, champion)
    report.submitted_at = None
    report.sent_back_at, report.sent_back_by, report.sent_back_comment = (
        timezone.now(),
        champion,
        comment,
    )
    report.save(update_fields=["submitted_at", "sent_back_at", "sent_back_by", "sent_back_comment"])
    notify(
        to=notifications.project_team_leads(project),
        subject=f"Closure report sent back: {project.reference}",
        template="closure_report_sent_back",
        context={"project": project, "report": report},
    )
    return report


@transaction.atomic
def audit_to_qi(*, audit: Project, lead: Person) -> Project:
    """Start a QI project from a clinical audit, pre-filled from it and linked both ways."""
    if reason := audit.why_no_follow_on_project:
        raise WorkflowError(reason)
    # Lock the audit: a double click reuses the draft it just made instead of making two.
    Project.objects.select_for_update().filter(pk=audit.pk).first()
    existing = audit.follow_on_draft_of(lead)
    if existing is not None:
        return existing
    latest = audit.progress_updates.order_by("-date", "-pk").first()
    findings = latest.done if latest else ""
    project = Project.objects.create(
        title=f"Improving on the audit: {audit.title}"[:200],
        kind=Project.Kind.QI_PROJECT,
        aim=f"Act on the findings of {audit.reference or 'the audit'}: {audit.aim}"[:2000],
        problem=(f"Audit {audit.reference or ''} found: {findings or audit.problem}".strip())[
            :5000
        ],
        department=audit.department,
        lead=lead,
        derived_from=audit,
        commitment_hours=audit.commitment_hours,
        commitment_period=audit.commitment_period,
        commitment_weeks=audit.commitment_weeks,
    )
    project.clinical_areas.set(audit.clinical_areas.all())
    project.strategic_priorities.set(audit.strategic_priorities.all())
    project.partner_departments.set(audit.partner_departments.all())
    project.co_leads.set([p for p in [audit.lead, *audit.co_leads.all()] if p.pk != lead.pk])
    refresh_search_vectors(Project.objects.filter(pk=project.pk))
    return project
