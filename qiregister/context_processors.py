import datetime as dt
import functools
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest
from django.urls import reverse

from people.access import is_champion_or_admin, person_of
from people.departments import sees_all_departments
from qiregister.security import KEPT_FORM, session_ends

# (label, url name): each role's main places. The NHS.UK header folds what does not fit into
# "More" when JavaScript runs; without it the list wraps onto more lines, so every link stays
# usable on a phone. Less-used places (propose, portfolio, awards, people, champions,
# departments) are listed on the home page.
PRIMARY_NAVIGATION = [
    ("Projects", "projects:register"),
    ("Tasks", "tasks:board"),
    ("Showcases", "recognition:showcase"),
    ("QI board", "recognition:board"),
    ("Impact", "measurement:impact_report"),
    ("Training", "people:training"),
    ("Mentoring", "people:mentoring"),
]


def navigation(request: HttpRequest) -> dict:
    """The header's links for the signed-in person's roles, with the current section marked:
    My QI, then the places of their roles (which stay in view when the rest folds into "More"),
    then everyone's. One query for the roles (`Person.roles`), remembered for the request."""
    if not request.user.is_authenticated:
        return {}
    user = request.user
    person = person_of(user)
    places = [("My QI", "people:me")]
    if user.is_staff or (person is not None and person.is_manager):
        places.append(("My team", "people:team"))
    # After `is_manager`, which read the person's roles (the trust QI team's permission too).
    if user.is_staff or (person is not None and sees_all_departments(user)):
        places.append(("Trust", "people:trust"))
    if is_champion_or_admin(user):
        places.append(("Review", "governance:review_queue"))
    places += PRIMARY_NAVIGATION
    if is_champion_or_admin(user):
        places.append(("Governance", "governance:report"))
    if user.is_staff:
        places.append(("Admin", "admin:index"))
    items = [{"label": label, "href": reverse(name)} for label, name in places]
    # The current section is the one whose URL is the longest prefix of this page's path.
    matches = [
        item for item in items if item["href"] != "/" and request.path.startswith(item["href"])
    ]
    current = max(matches, key=lambda item: len(item["href"]), default=None)
    for item in items:
        item["current"] = item is current
    return {"primary_navigation": items, "current_person": person}


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
