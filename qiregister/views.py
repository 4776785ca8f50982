import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from people.access import is_champion_or_admin
from people.departments import first_page_after_sign_in, lands_on_trust_view
from qiregister.context_processors import session_timeout_status
from qiregister.home import needs_of
from qiregister.security import ACTIVE_AT, session_ends
from qiregister.typed_text import typed_text


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


class SignInView(auth_views.LoginView):
    def get_success_url(self) -> str:
        return first_page_after_sign_in(self.request.user, super().get_success_url())


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What needs the signed-in person (tasks due, requests and proposals to decide, closure
    reports, changes requested, QI conversations), then a short list of places."""
    places = []
    lands_on_trust = lands_on_trust_view(request.user)
    if lands_on_trust:
        places.append(("Trust-wide QI", reverse("people:trust"), "Every department side by side."))
    places += [
        ("My QI", reverse("people:me"), "Your projects, roles, tasks and hours."),
        ("Propose a project", reverse("projects:create"), "Check for similar work first."),
        ("Project register", reverse("projects:register"), "Projects to join or learn from."),
        ("Tasks a buddy can take", reverse("tasks:board"), "Small pieces of work to take on."),
        ("My QI portfolio", reverse("recognition:portfolio"), "Evidence and certificates."),
        ("Awards and nominations", reverse("recognition:awards"), "Nominate a colleague."),
        ("QI champions", reverse("governance:champions"), "Who to ask in each area."),
        ("People", reverse("people:directory"), "Find colleagues by skill and area."),
        ("Departments", reverse("people:departments"), "Every department's QI lead and work."),
    ]
    if is_champion_or_admin(request.user):
        places += [
            ("Nominations", reverse("recognition:nominations"), "Shortlists and wins."),
            ("Board display links", reverse("recognition:display_links"), "The board on a screen."),
        ]
    if request.user.is_staff:
        places += [
            ("Trust-wide QI", reverse("people:trust"), "Every department side by side."),
            ("Engagement report", reverse("people:engagement"), "Who took part, by role and area."),
        ]
    return render(
        request,
        "home.html",
        {"needs": needs_of(request), "places": places, "lands_on_trust": lands_on_trust},
    )


@login_not_required
@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


# Error pages. 403, 404 and 500 are Django's own views with our templates; these two need the
# request (a 400's cause, a CSRF failure's form), so they are views of ours (`handler400` in
# qiregister/urls.py, CSRF_FAILURE_VIEW in settings).


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page: for a form over Django's limits, what they are and what to do."""
    context = {
        "too_large": isinstance(exception, RequestDataTooBig),
        "too_many_fields": isinstance(exception, TooManyFieldsSent),
        "max_megabytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024,
        "max_fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
    }
    return render(request, "400.html", context, status=400)


def _typed_text(request: HttpRequest) -> list[dict]:
    """The text of a refused form, only for a form sent from this site's own pages, as the
    browser's Origin header says: a page of another site that posts here gets its text shown
    nowhere."""
    if request.META.get("HTTP_ORIGIN") != f"{request.scheme}://{request.get_host()}":
        return []
    return typed_text(request.POST)


@never_cache
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check: why that happens, what to do, and the text typed.

    Django's reasons starting "CSRF" are this site's own forms whose token no longer matches
    (the page was open across a sign-in in another tab, or the browser lost its cookies); the
    others are a form sent from another site or address.
    """
    from_this_site = reason.startswith("CSRF")
    referer = request.META.get("HTTP_REFERER", "")
    back = (
        referer
        if from_this_site
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else reverse("home")
    )
    context = {
        "from_this_site": from_this_site,
        "no_cookie": reason == "CSRF cookie not set.",
        "typed": _typed_text(request) if from_this_site else [],
        "back": back,
    }
    return render(request, "403_csrf.html", context, status=403)


# The session timeout warning (static/js/session-timeout.js) asks how long is left, and renews
# the session when someone chooses "Stay signed in".


def _session_status(request: HttpRequest) -> JsonResponse:
    ends = session_ends(request.session)
    if ends is None:  # no stamps: SessionTimeoutMiddleware has signed such a session out
        return JsonResponse({"seconds_left": 0}, status=409)
    status = session_timeout_status(*ends)
    return JsonResponse(
        {
            "seconds_left": status["seconds_left"],
            "ends_at": timezone.localtime(status["ends_at"]).strftime("%H:%M"),
            "reason": status["reason"],
            "warn_seconds": status["warn_seconds"],
        }
    )


@require_safe
def session_status(request: HttpRequest) -> HttpResponse:
    """Seconds until the session ends if nothing more happens. Asking is not activity
    (SessionTimeoutMiddleware skips this path); once the session has ended, the middleware
    signs it out and the answer is the redirect to the sign-in page."""
    return _session_status(request)


@require_POST
def session_renew(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": activity now, so the idle limit starts again (never the absolute one)."""
    request.session[ACTIVE_AT] = int(time.time())
    return _session_status(request)
