"""Appraisal notes and the manager's appraisal summary export.

Appraisal notes are private: the person they are about, the manager who wrote them (while they
are still that person's line manager) and admins. A summary shows a manager only the notes they
wrote themselves, as the QI conversations do.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from common.forms import PeriodForm
from common.optimistic_locking import EditConflict, form_after_edit_conflict, save_changed_fields
from common.spreadsheets import csv_stream
from people.access import QIRequest, parse_id
from people.models import ExportLog, Person
from recognition import documents
from recognition.contributions import SECTIONS, contributions_for
from recognition.forms.appraisal import AppraisalNoteForm
from recognition.models import AppraisalNote, PreparedFile
from recognition.pdf import pdf_response
from recognition.services.prepared_files import prepared_file_request


def visible_notes(user, person: Person):
    """The appraisal notes about `person` that `user` may read."""
    return AppraisalNote.objects.visible_to(user).filter(person=person).select_related("manager")


@never_cache
def appraisal_notes(request: QIRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("line_manager"), pk=pk)
    viewer = request.person
    is_manager = viewer is not None and viewer.is_manager_of(person)
    if not (request.user.is_staff or is_manager or viewer == person):
        raise PermissionDenied(
            "Only this person, their line manager and admins see appraisal notes"
        )
    form = AppraisalNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not is_manager:
            raise PermissionDenied("Only the person's line manager writes appraisal notes")
        if form.is_valid():
            note = form.save(commit=False)
            note.person, note.manager = person, viewer
            note.save()
            messages.success(request, "Appraisal note saved.")
            return redirect("recognition:appraisal_notes", pk=person.pk)
    return render(
        request,
        "recognition/appraisal/notes.html",
        {
            "person": person,
            "notes": visible_notes(request.user, person),
            "is_manager": is_manager,
            "form": form,
            "viewer": viewer,
        },
    )


def _own_note(request: QIRequest, pk: int) -> AppraisalNote:
    note = get_object_or_404(AppraisalNote.objects.select_related("person"), pk=pk)
    viewer = request.person
    if not visible_notes(request.user, note.person).filter(pk=note.pk).exists():
        raise Http404("No such appraisal note")
    if viewer is None or note.manager_id != viewer.pk or not viewer.is_manager_of(note.person):
        raise PermissionDenied("Only the manager who wrote a note changes it")
    return note


@never_cache
def appraisal_note_edit(request: QIRequest, pk: int) -> HttpResponse:
    note = _own_note(request, pk)
    form = AppraisalNoteForm(request.POST if request.method == "POST" else None, instance=note)
    if request.method == "POST" and form.is_valid():
        try:
            save_changed_fields(form)
        except EditConflict as conflict:
            form = form_after_edit_conflict(conflict, form, AppraisalNoteForm)
        else:
            messages.success(request, "Appraisal note updated.")
            return redirect("recognition:appraisal_notes", pk=note.person_id)
    return render(request, "recognition/appraisal/note_form.html", {"form": form, "note": note})


@never_cache
def appraisal_note_delete(request: QIRequest, pk: int) -> HttpResponse:
    """GET: what deleting does, to confirm. POST: delete the note."""
    note = _own_note(request, pk)
    if request.method != "POST":
        return render(request, "recognition/appraisal/note_delete.html", {"note": note})
    person_id = note.person_id
    note.delete()
    messages.success(request, "Appraisal note deleted. The record of it stays in the audit trail.")
    return redirect("recognition:appraisal_notes", pk=person_id)


# The appraisal summary: one row (CSV) or one section (PDF) per report.


def _summary_people(request: QIRequest):
    """Whose summary: the manager's reports, or one of them (`?person=`); admins any one person."""
    viewer = request.person
    chosen = request.GET.get("person", "")
    if chosen and parse_id(chosen) is None:
        raise Http404("No such person")
    if request.user.is_staff and chosen:
        people = Person.objects.filter(pk=chosen)
    elif viewer is not None and viewer.is_manager:
        people = Person.objects.filter(line_manager=viewer)
        if chosen:
            people = people.filter(pk=chosen)
    else:
        raise PermissionDenied("Appraisal summaries are for line managers and admins")
    people = list(people.select_related("department", "line_manager").order_by("display_name"))
    if not people:
        raise Http404("Nobody to summarise")
    return people


def _summaries(request: QIRequest, people, start, end):
    contributions = contributions_for(people, start, end)
    notes = (
        AppraisalNote.objects.visible_to(request.user)
        .filter(person__in=people)
        .filter(period_start__lte=end, period_end__gte=start)
        .select_related("manager")
    )
    notes_by_person: dict[int, list[AppraisalNote]] = {}
    for note in notes:
        notes_by_person.setdefault(note.person_id, []).append(note)
    return [
        {
            "person": person,
            "contributions": contributions[person.pk],
            "notes": notes_by_person.get(person.pk, []),
        }
        for person in people
    ]


def _log(request: QIRequest, kind: str, start, end, people) -> None:
    whom = people[0].display_name if len(people) == 1 else f"{len(people)} people"
    ExportLog.record(
        request.user,
        kind,
        f"Appraisal summary {start:%d %b %Y} to {end:%d %b %Y} for {whom}",
        people,
    )


CSV_HEADERS = [
    "Name",
    "Job role",
    "Band",
    "Period from",
    "Period to",
    *(title for title, _kinds in SECTIONS),
    "Task hours",
    "Appraisal notes",
]


@require_safe
@never_cache
def appraisal_summary(request: QIRequest, *, fmt: str) -> HttpResponse:
    """The summary as CSV or PDF; a bad period goes back to My team, which says what is wrong.

    A PDF of few people and contributions (counted first, recognition.documents) comes straight
    back; a larger one is prepared by the background worker, and the person is sent to the page
    that says so."""
    people = _summary_people(request)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return redirect(f"{reverse('people:team')}?{request.GET.urlencode()}")
    start, end = form.period
    _log(request, f"appraisal_summary_{fmt}", start, end, people)
    if fmt == "csv":
        return _summary_csv(request, people, start, end)
    name = people[0].display_name if len(people) == 1 else "team"
    filename = f"appraisal-summary-{slugify(name) or 'team'}-{start}-{end}.pdf"
    if not documents.summary_is_small(people, start, end):
        whom = people[0].display_name if len(people) == 1 else f"{len(people)} people"
        prepared = prepared_file_request(
            user=request.user,
            kind=PreparedFile.Kind.APPRAISAL_SUMMARY,
            title=f"Appraisal summary {start:%-d %b %Y} to {end:%-d %b %Y} for {whom}",
            filename=filename,
            parameters={
                "people": [person.pk for person in people],
                "from": start.isoformat(),
                "to": end.isoformat(),
            },
        )
        return redirect("recognition:prepared_file", pk=prepared.pk)
    return pdf_response(
        "recognition/pdf/appraisal_summary.html",
        documents.appraisal_summary_context(user=request.user, people=people, start=start, end=end),
        filename,
        request=request,
    )


# People read at a time for the CSV: its memory stays flat whatever the size of the team.
CSV_PEOPLE_AT_A_TIME = 50


def _summary_rows(request: QIRequest, people, start, end):
    """The header, then one row per person, read a few people at a time once the header has
    gone out."""
    yield CSV_HEADERS
    for first in range(0, len(people), CSV_PEOPLE_AT_A_TIME):
        for summary in _summaries(
            request, people[first : first + CSV_PEOPLE_AT_A_TIME], start, end
        ):
            person, found = summary["person"], summary["contributions"]
            yield [
                person.display_name,
                person.get_job_role_display(),
                person.get_band_display(),
                start.isoformat(),
                end.isoformat(),
                *(
                    "; ".join(f"{c.date:%d %b %Y}: {c.description}" for c in items)
                    for _title, items in found.sections
                ),
                f"{found.task_hours:g}",
                "; ".join(
                    f"{note.period_start:%d %b %Y}–{note.period_end:%d %b %Y} "
                    f"({note.manager}): {note.note}"
                    for note in summary["notes"]
                ),
            ]


def _summary_csv(request: QIRequest, people, start, end) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_stream(_summary_rows(request, people, start, end)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="appraisal-summary-{start}-{end}.csv"'
    return response
