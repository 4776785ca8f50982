import datetime as dt
import functools
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest
from django.urls import reverse

from qiregister.security import KEPT_FORM, session_ends

# (label, url name); a section is "current" when the path starts with its URL.
# Kept short so it fits the NHS.UK header without folding into "More"; the rest (propose,
# training, mentoring, my team, showcases, awards) is reached from the home page and My QI.
PRIMARY_NAVIGATION = [
    ("My QI", "people:me"),
    ("Projects", "projects:register"),
    ("Tasks", "tasks:board"),
    ("People", "people:directory"),
    ("QI board", "recognition:board"),
    ("Champions", "governance:champions"),
]


def navigation(request: HttpRequest) -> dict:
    if not request.user.is_authenticated:
        return {}
    items = [{"label": label, "href": reverse(name)} for label, name in PRIMARY_NAVIGATION]
    # The current section is the one whose URL is the longest prefix of this page's path.
    matches = [
        item for item in items if item["href"] != "/" and request.path.startswith(item["href"])
    ]
    current = max(matches, key=lambda item: len(item["href"]), default=None)
    for item in items:
        item["current"] = item is current
    person = getattr(request.user, "person", None)
    if request.user.is_staff or (person is not None and person.is_champion):
        for label, name in [
            ("Review", "governance:review_queue"),
            ("Governance", "governance:report"),
        ]:
            items.append(
                {
                    "label": label,
                    "href": reverse(name),
                    "current": request.path.startswith(reverse(name)),
                }
            )
    if request.user.is_staff:
        items.append(
            {"label": "Admin", "href": reverse("admin:index"), "current": False},
        )
    return {"primary_navigation": items, "current_person": getattr(request.user, "person", None)}


def single_sign_on(request: HttpRequest) -> dict:
    """The sign-in page's single sign-on button, when OpenID Connect is configured."""
    if not settings.QIREGISTER_OIDC_ENABLED:
        return {}
    return {"single_sign_on_label": settings.QIREGISTER_OIDC_BUTTON_LABEL}


# The timeout warning opens this long before the session ends: GOV.UK's two minutes, or half
# the idle limit when that is shorter.
TIMEOUT_WARNING_SECONDS = 120


def session_timeout(request: HttpRequest) -> dict:
    """When the signed-in session ends if nothing more happens, for the notice and the warning
    on pages with a form (templates/includes/session_timeout.html). No query: the session is
    already loaded."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return {}
    ends = session_ends(session)
    if ends is None:
        return {}
    return {"session_timeout": session_timeout_status(*ends)}


def session_timeout_status(ends_at: float, reason: str) -> dict:
    return {
        "ends_at": dt.datetime.fromtimestamp(ends_at, tz=dt.UTC),
        "seconds_left": max(0, int(ends_at - time.time())),
        "reason": reason,
        "warn_seconds": min(TIMEOUT_WARNING_SECONDS, settings.QIREGISTER_SESSION_IDLE_MINUTES * 30),
        "absolute_hours": settings.QIREGISTER_SESSION_ABSOLUTE_HOURS,
    }


def kept_form(request: HttpRequest) -> dict:
    """The text of a form sent after the session ended (qiregister.security.KEPT_FORM), for the
    first full page (base.html asks) that the same person sees after signing in again.

    Taken from the session when base.html asks, not before: the sign-in page and htmx fragments
    leave it in place. Someone else signing in on the same browser never sees it: it is thrown
    away for them.
    """
    session = getattr(request, "session", None)
    if session is None or KEPT_FORM not in session:
        return {}

    @functools.cache
    def take() -> dict | None:
        if not request.user.is_authenticated:
            return None
        kept = session.pop(KEPT_FORM)
        return kept if kept.get("username") == request.user.get_username() else None

    return {"kept_form": take}
