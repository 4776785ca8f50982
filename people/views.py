from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from people import services
from people.access import parse_id, person_or_403
from people.filters import PersonFilter
from people.forms import CapacityForm, PeriodForm, QIConversationForm
from people.models import ClinicalArea, Course, ExportLog, Person, TrainingSession
from people.team import SORTS, took_part, with_engagement
from projects.capacity import tasks_that_fit, with_commitment
from projects.exports import csv_writer
from projects.models import Interest, Membership, Project, Task, approved_q
from projects.services import save_changed_fields

MENTORED_ON_MY_QI = 25


@require_safe
def me(request: HttpRequest) -> HttpResponse:
    """My QI: projects and roles, claimed tasks, pending requests, hours, suggestions."""
    signed_in = person_or_403(request.user)
    person = with_commitment(Person.objects.filter(pk=signed_in.pk)).get()
    person.roles = signed_in.roles  # read once, for the page and the header alike
    year_start = timezone.localdate().replace(month=1, day=1)
    led = Project.objects.led_by([person])
    today = timezone.localdate()
    # "Projects I mentor": the first few, and one more to know there are others.
    mentored = list(Project.objects.mentored_by(person)[: MENTORED_ON_MY_QI + 1])
    for project in mentored:
        project.days_since_update = (
            (today - project.latest_update_date).days if project.latest_update_date else None
        )
    context = {
        "person": person,
        # With the latest decision (a request for changes is the lead's turn) and the closure
        # report (sent back: the lead's turn again), in the same query.
        "led_projects": led.with_latest_decision()
        .select_related("closure_report")
        .order_by("-created_at"),
        "mentored_projects": mentored[:MENTORED_ON_MY_QI],
        "more_mentored": len(mentored) > MENTORED_ON_MY_QI,
        "memberships": Membership.objects.filter(person=person, left_on__isnull=True)
        .select_related("project")
        .order_by("-joined_on"),
        "claimed_tasks": Task.objects.filter(claimed_by=person, status=Task.Status.CLAIMED)
        .select_related("project")
        .order_by("due_date"),
        "pending_interests": Interest.objects.filter(
            person=person, status=Interest.Status.PENDING
        ).select_related("project", "role_opening"),
        "hours_this_year": Task.objects.filter(
            approved_q("project__"),  # evidence counts approved work only
            claimed_by=person,
            status=Task.Status.DONE,
            completed_at__date__gte=year_start,
        ).aggregate(hours=Sum("actual_hours"))["hours"]
        or 0,
        "suggestions": tasks_that_fit(person),
        "reports": person.reports.order_by("display_name"),
        "outstanding_training": Course.objects.outstanding_for(person),
    }
    return render(request, "people/me.html", context)


def capacity_edit(request: HttpRequest) -> HttpResponse:
    person = person_or_403(request.user)
    form = CapacityForm(request.POST if request.method == "POST" else None, instance=person)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            save_changed_fields(form)
        messages.success(request, "Your capacity and interests are saved.")
        return redirect("people:me")
    return render(request, "people/capacity_form.html", {"form": form})


def person_capacity(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's QI capacity and the private notes of QI conversations with their manager."""
    person = get_object_or_404(
        with_commitment(Person.objects.all())
        .select_related("line_manager", "department")
        .prefetch_related("skills", "preferred_areas"),
        pk=pk,
    )
    viewer = getattr(request.user, "person", None)
    is_manager = viewer is not None and viewer.is_manager_of(person)
    if not (request.user.is_staff or is_manager or viewer == person):
        raise PermissionDenied("Only this person, their manager and admins can see this page")
    form = QIConversationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not is_manager:
            raise PermissionDenied("Only the person's line manager records QI conversations")
        if form.is_valid():
            conversation = form.save(commit=False)
            conversation.person, conversation.manager = person, viewer
            conversation.save()
            messages.success(request, "Conversation recorded.")
            return redirect("people:capacity", pk=person.pk)
    context = {
        "person": person,
        "is_manager": is_manager,
        # Private: a manager sees the notes they wrote, not a predecessor's.
        "conversations": (
            person.qi_conversations.select_related("manager")
            if request.user.is_staff or viewer == person
            else person.qi_conversations.filter(manager=viewer).select_related("manager")
        ),
        "form": form,
    }
    return render(request, "people/capacity.html", context)


PEOPLE_PAGE_SIZE = 25


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    people = Person.objects.for_directory().prefetch_related(
        "champion_assignments__clinical_area", "skills"
    )
    person_filter = PersonFilter(request.GET or None, queryset=people, request=request)
    page = Paginator(person_filter.qs.order_by("display_name", "pk"), PEOPLE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "people/directory.html",
        {"filter": person_filter, "page": page},
    )


@require_safe
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """What a person has done and offers for QI. Nothing private: no notes of conversations."""
    person = get_object_or_404(
        Person.objects.for_directory().prefetch_related(
            "champion_assignments__clinical_area", "skills", "preferred_areas"
        ),
        pk=pk,
    )
    visible = Project.objects.visible_to(request.user)
    context = {
        "person": person,
        "led_projects": visible.led_by([person]).order_by("-created_at"),
        "memberships": Membership.objects.filter(person=person, project__in=visible)
        .select_related("project")
        .order_by("-joined_on"),
        "tasks_done": Task.objects.filter(
            claimed_by=person, status=Task.Status.DONE, project__in=visible
        )
        .select_related("project")
        .order_by("-completed_at"),
        "mentoring": visible.filter(mentor=person).order_by("-created_at"),
        "mentees": person.mentees.select_related("mentee").order_by("-started_on"),
        "mentors": person.mentors.select_related("mentor").order_by("-started_on"),
        "completions": person.completions.select_related("course"),
        "can_see_capacity_page": request.user.is_staff
        or getattr(request.user, "person", None) in (person, person.line_manager),
    }
    context["hours_done"] = sum(task.actual_hours or 0 for task in context["tasks_done"])
    return render(request, "people/profile.html", context)


# Training.


@require_safe
def training(request: HttpRequest) -> HttpResponse:
    person = person_or_403(request.user)
    sessions = (
        TrainingSession.objects.filter(starts_at__gte=timezone.now())
        .select_related("course", "trainer")
        .annotate(booked=Count("bookings"), places_left=F("capacity") - Count("bookings"))
        .order_by("starts_at", "pk")[:50]
    )
    context = {
        "sessions": sessions,
        "my_session_ids": set(person.bookings.values_list("session_id", flat=True)),
        "completions": person.completions.select_related("course"),
        "outstanding": Course.objects.outstanding_for(person),
        "trained_sessions": person.sessions_trained.select_related("course").order_by("-starts_at")[
            :10
        ],
    }
    return render(request, "people/training.html", context)


@require_POST
def session_book(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_or_403(request.user)
    get_object_or_404(TrainingSession, pk=pk)
    try:
        services.session_book(session_id=pk, person=person)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "You are booked on.")
    return redirect("people:training")


@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_or_403(request.user)
    get_object_or_404(TrainingSession, pk=pk)
    try:
        services.session_cancel(session_id=pk, person=person)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Booking cancelled.")
    return redirect("people:training")


def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession.objects.select_related("course", "trainer"), pk=pk)
    person = getattr(request.user, "person", None)
    if not (request.user.is_staff or (person is not None and session.trainer_id == person.pk)):
        raise PermissionDenied("Only the session's trainer and admins mark attendance")
    started = session.starts_at <= timezone.now()
    bookings = session.bookings.select_related("person").order_by("person__display_name")
    if request.method == "POST":
        if not started:
            raise PermissionDenied("Attendance is marked once the session has started")
        known = {booking.person_id for booking in bookings}
        chosen = {parse_id(v) for v in request.POST.getlist("attended")} & known
        added = services.attendance_mark(session=session, attended_person_ids=chosen)
        messages.success(request, f"Attendance saved; {added} course completion(s) recorded.")
        return redirect("people:attendance", pk=session.pk)
    return render(
        request,
        "people/attendance.html",
        {"session": session, "bookings": bookings, "started": started},
    )


# The manager's team and the engagement report.


@require_safe
def team(request: HttpRequest) -> HttpResponse:
    viewer = getattr(request.user, "person", None)
    if request.user.is_staff:
        people = Person.objects.all()
    elif viewer is not None and viewer.is_manager:
        people = Person.objects.filter(line_manager=viewer)
    else:
        raise PermissionDenied("My team is for line managers and admins")
    period_form = PeriodForm(request.GET)
    start, end = period_form.period
    sort = request.GET.get("sort", "name")
    # Engagement in the period, and (now, whatever the period) the hours offered, agreed and
    # committed: the same one query per page.
    rows = with_commitment(with_engagement(people, start, end)).order_by(
        *SORTS.get(sort, SORTS["name"])
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/team.html",
        {
            "page": page,
            "form": period_form,
            "start": start,
            "end": end,
            "sort": sort,
            "has_induction": Course.objects.induction().exists(),
            "own_reports": viewer.reports.order_by("display_name") if viewer else [],
            "period_query": f"from={start}&to={end}",
        },
    )


@require_safe
def engagement(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied("The engagement report is for the department's QI lead (admins)")
    period_form = PeriodForm(request.GET)
    start, end = period_form.period
    people = with_engagement(Person.objects.all(), start, end)
    taking_part = took_part(people)
    by_role = {
        row["job_role"]: row["n"]
        for row in taking_part.order_by().values("job_role").annotate(n=Count("pk"))
    }
    staff_by_role = {
        row["job_role"]: row["n"]
        for row in Person.objects.order_by().values("job_role").annotate(n=Count("pk"))
    }
    roles = [
        {"label": label, "taking_part": by_role.get(value, 0), "staff": staff_by_role.get(value, 0)}
        for value, label in Person.JobRole.choices
    ]
    by_area = (
        ClinicalArea.objects.select_related("department")
        .annotate(
            staff=Count("people", distinct=True),
            taking_part=Count(
                "people", filter=Q(people__in=taking_part.values("pk")), distinct=True
            ),
        )
        .order_by("department__name", "name")
    )
    not_inducted = (
        people.filter(induction_done=False).select_related("department").order_by("display_name")
        if Course.objects.induction().exists()
        else Person.objects.none()  # no induction course set up: nobody is behind on it
    )
    if request.GET.get("format") == "csv" and period_form.is_valid():
        # The CSV names everyone without QI induction: that makes it personal data.
        ExportLog.record(
            request.user,
            "engagement_csv",
            f"QI engagement report {start} to {end}",
            not_inducted.values_list("pk", flat=True),
        )
        return _engagement_csv(start, end, roles, by_area, not_inducted)
    return render(
        request,
        "people/engagement.html",
        {
            "form": period_form,
            "start": start,
            "end": end,
            "roles": roles,
            "by_area": by_area,
            "not_inducted": not_inducted[:200],
            "not_inducted_count": not_inducted.count(),
            "total_taking_part": taking_part.count(),
            "total_staff": Person.objects.count(),
        },
    )


def _engagement_csv(start, end, roles, by_area, not_inducted) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="qi-engagement-{start}-{end}.csv"'
    writer = csv_writer(response)
    writer.writerow(["Section", "Name", "Staff", "Took part in QI"])
    for row in roles:
        writer.writerow(["Job role", row["label"], row["staff"], row["taking_part"]])
    for area in by_area:
        writer.writerow(["Clinical area", area.name, area.staff, area.taking_part])
    for person in not_inducted:
        writer.writerow(["No QI induction", person.display_name, "", ""])
    return response
