from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from people.departments import sees_all_departments


@login_not_required
@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitoring: 200 when the app can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    sections = [
        {
            "label": "My QI",
            "href": reverse("people:me"),
            "description": "Your projects, tasks and hours, and tasks that fit your time.",
        },
        {
            "label": "Tasks a buddy can take",
            "href": reverse("tasks:board"),
            "description": "Small, specific pieces of work with the hours they need.",
        },
        {
            "label": "Project register",
            "href": reverse("projects:register"),
            "description": "Find active and proposed projects to join, or tasks to take.",
        },
        {
            "label": "Propose a project",
            "href": reverse("projects:create"),
            "description": "Check for similar work, then save a draft or submit for review.",
        },
        {
            "label": "Department impact",
            "href": reverse("impact:report"),
            "description": "Savings, time, patients and projects: what QI achieved, by area.",
        },
        {
            "label": "QI board",
            "href": reverse("recognition:board"),
            "description": "The department's posters and headline results, and a screen display.",
        },
        {
            "label": "QI showcases",
            "href": reverse("recognition:showcase"),
            "description": "Book a slot to present at a clinical update; add them to Outlook.",
        },
        {
            "label": "Awards and nominations",
            "href": reverse("recognition:awards"),
            "description": "Nominate a colleague, team or project for a local or national award.",
        },
        {
            "label": "My QI portfolio",
            "href": reverse("recognition:portfolio"),
            "description": "Your contributions as evidence for appraisal and RPS credentialing.",
        },
        {
            "label": "QI training",
            "href": reverse("people:training"),
            "description": "Book QI induction and other courses; see what you have done.",
        },
        {
            "label": "Mentoring",
            "href": reverse("people:mentoring"),
            "description": "Ask for a mentor, or mentor a colleague.",
        },
        {
            "label": "QI champions",
            "href": reverse("governance:champions"),
            "description": "Who to ask in each clinical area, and the projects they mentor.",
        },
        {
            "label": "Departments",
            "href": reverse("people:departments"),
            "description": "Every department's QI lead, champions, priorities and projects, "
            "including the projects that cross departments.",
        },
        {
            "label": "Change your password",
            "href": reverse("password_change"),
            "description": "Keep your account secure.",
        },
    ]
    person = getattr(request.user, "person", None)
    if person is not None and person.is_manager:
        sections.append(
            {
                "label": "My team",
                "href": reverse("people:team"),
                "description": "Your reports' QI engagement, appraisal notes and summaries.",
            }
        )
    if request.user.is_staff or (person is not None and person.is_champion):
        sections += [
            {
                "label": "Nominations",
                "href": reverse("recognition:nominations"),
                "description": "Record shortlists and wins for the department's nominations.",
            },
            {
                "label": "Board display links",
                "href": reverse("recognition:display_links"),
                "description": "Secret links that show the QI board on a screen in the department.",
            },
        ]
    if sees_all_departments(request.user):
        sections.append(
            {
                "label": "Trust-wide QI",
                "href": reverse("people:trust"),
                "description": "Every department's QI side by side, for the trust QI team.",
            }
        )
    if request.user.is_staff:
        sections.append(
            {
                "label": "Engagement report",
                "href": reverse("people:engagement"),
                "description": "Who took part in QI, by role and area; who needs induction.",
            }
        )
        sections.append(
            {
                "label": "Administration",
                "href": reverse("admin:index"),
                "description": "Manage departments, people and champions, with change history.",
            }
        )
    return render(request, "home.html", {"sections": sections})


@login_not_required
@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")
