"""Sessions that end, and a security log of every sign-in, failed sign-in and lockout.

- Session timeouts: a session ends after `QIREGISTER_SESSION_IDLE_MINUTES` without a request
  and `QIREGISTER_SESSION_ABSOLUTE_HOURS` after signing in, whatever the activity. The sign-in
  time and the last activity are stamped in the session (seconds since the epoch); the
  activity stamp moves at most once a minute, so an active session is written to the database
  about once a minute rather than on every request (as SESSION_SAVE_EVERY_REQUEST would).
  Pages with a form say when the session will end (`session_ends`); the timeout warning's
  question "how long is left?" (`session_status`) does not count as activity. The text of a
  form sent after the session ended is kept and shown to the same person after signing in.
- The client's address: `REMOTE_ADDR`, or behind the reverse proxy (`DJANGO_BEHIND_PROXY`) the
  right-most `X-Forwarded-For` entry, which the proxy itself wrote. django-axes counts failed
  sign-ins by username, this address and kind of browser (`AXES_CLIENT_IP_CALLABLE`; the
  pauses are qiregister.lockout's).
- The `qiregister.security` logger records sign-ins, failures, lockouts (qiregister.lockout)
  and ended sessions
  with the username and address, never a password. Usernames are logged with %r so that
  whatever someone typed cannot forge a log line.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from qiregister.typed_text import MAX_KEPT_CHARACTERS, typed_text

logger = logging.getLogger("qiregister.security")

SIGNED_IN_AT = "qiregister_signed_in_at"
ACTIVE_AT = "qiregister_active_at"
# How stale the activity stamp may get before a request moves it (and saves the session).
ACTIVITY_RESOLUTION_SECONDS = 60

IDLE = "idle"
ABSOLUTE = "absolute"


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, as the server or its reverse proxy saw it."""
    if request is None:
        return None
    remote_addr = request.META.get("REMOTE_ADDR") or None
    if settings.QIREGISTER_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            return remote_addr
    return remote_addr


def session_end_reason(session, now: float) -> str | None:
    """Why a signed-in session must end now (IDLE or ABSOLUTE), or None while it may go on."""
    signed_in_at = session.get(SIGNED_IN_AT)
    active_at = session.get(ACTIVE_AT)
    if signed_in_at is None or active_at is None:
        # No stamps: a session from before the timeouts existed; treat it as too old.
        return ABSOLUTE
    if now - signed_in_at > settings.QIREGISTER_SESSION_ABSOLUTE_HOURS * 3600:
        return ABSOLUTE
    if now - active_at > settings.QIREGISTER_SESSION_IDLE_MINUTES * 60:
        return IDLE
    return None


def session_ends(session) -> tuple[float, str] | None:
    """When a signed-in session ends if nothing more happens (seconds since the epoch), and
    why (IDLE or ABSOLUTE, whichever comes first); None for a session without stamps."""
    signed_in_at = session.get(SIGNED_IN_AT)
    active_at = session.get(ACTIVE_AT)
    if signed_in_at is None or active_at is None:
        return None
    idle_end = active_at + settings.QIREGISTER_SESSION_IDLE_MINUTES * 60
    absolute_end = signed_in_at + settings.QIREGISTER_SESSION_ABSOLUTE_HOURS * 3600
    return (idle_end, IDLE) if idle_end <= absolute_end else (absolute_end, ABSOLUTE)


def session_end_message(reason: str) -> str:
    if reason == IDLE:
        return (
            "You were signed out because QI Register was not used for "
            f"{settings.QIREGISTER_SESSION_IDLE_MINUTES} minutes. Sign in again to carry on."
        )
    return (
        "You were signed out because you signed in more than "
        f"{settings.QIREGISTER_SESSION_ABSOLUTE_HOURS} hours ago. Sign in again to carry on."
    )


# A form sent after the session ended: its text, kept in the new (signed-out) session and shown
# once to the same person on the first page after signing in again (qiregister.
# context_processors.kept_form); discarded if someone else signs in.
KEPT_FORM = "qiregister_kept_form"
KEPT_FORM_MESSAGE = (
    "What you sent was not saved. After you sign in, it is shown on the page so that you can "
    "copy it and send it again."
)


def form_sent_too_late(request: HttpRequest) -> dict | None:
    """The text of a form posted to a session that has just ended, and the page it came from.

    None for anything but a POST, for a form Django will not read (over its limits), and for
    more than MAX_KEPT_CHARACTERS. The session cookie is SameSite=Lax, so a POST from another
    site never reaches a signed-in session, and nothing of it can be kept.
    """
    if request.method != "POST":
        return None
    try:
        fields = typed_text(request.POST)
    except (RequestDataTooBig, TooManyFieldsSent):
        return None
    if not fields or sum(len(field["value"]) for field in fields) > MAX_KEPT_CHARACTERS:
        return None
    referer = request.META.get("HTTP_REFERER", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    page = urlsplit(referer).path if same_site and referer else ""
    if not page.startswith("/") or page.startswith("//"):
        page = request.path
    return {"page": page, "fields": fields}


class SessionTimeoutMiddleware:
    """Sign out a session that has been idle or signed in too long, saying why.

    It only signs out: LoginRequiredMiddleware then sends the request to the sign-in page (with
    `next`), where the message shows; pages open without a login simply carry on. It reads the
    session, never the user, so it adds no query of its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            now = time.time()
            reason = session_end_reason(session, now)
            if reason:
                username = request.user.get_username()
                kept = form_sent_too_late(request)
                logout(request)
                messages.info(request, session_end_message(reason))
                if kept:
                    request.session[KEPT_FORM] = {"username": username, **kept}
                    messages.info(request, KEPT_FORM_MESSAGE)
                logger.info(
                    "Session ended (%s): username=%r ip=%s", reason, username, client_ip(request)
                )
            elif (
                now - session[ACTIVE_AT] >= ACTIVITY_RESOLUTION_SECONDS
                # The timeout warning's own question is not activity (qiregister.views).
                and request.path_info != reverse("session_status")
            ):
                session[ACTIVE_AT] = int(now)
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="qiregister_security_signed_in")
def record_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    # Every way of signing in (the sign-in page, the admin's, the test client's force_login)
    # sends this signal after the session key is cycled, so the stamps land in the new session.
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[ACTIVE_AT] = now
    logger.info("Signed in: username=%r ip=%s", user.get_username(), client_ip(request))


@receiver(user_logged_out, dispatch_uid="qiregister_security_signed_out")
def record_sign_out(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if user is not None:
        logger.info("Signed out: username=%r ip=%s", user.get_username(), client_ip(request))


@receiver(user_login_failed, dispatch_uid="qiregister_security_sign_in_failed")
def record_sign_in_failure(
    sender, credentials: dict, request: HttpRequest | None = None, **kwargs
) -> None:
    # Django has already replaced the password in `credentials` with asterisks; only the
    # username is read here all the same.
    logger.warning(
        "Sign-in failed: username=%r ip=%s", credentials.get("username"), client_ip(request)
    )
