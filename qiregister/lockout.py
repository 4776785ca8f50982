"""The sign-in lockout: guessing stays slow, and nobody can keep a named colleague out for ever.

django-axes records the failures (its access attempts, which admins see and delete under *Axes*
in the admin, and `manage.py axes_reset_username` clears); `LockoutHandler` decides the pauses.

- Failures are counted per username, per address and per *kind of browser*: any browser, or a
  browser holding a device cookie for that username (each such browser on its own: OWASP's
  "device cookie" defence). Everyone behind a trust's NAT shares one address, so without the
  cookie someone there could keep a colleague's username paused; with it, the attacker's
  failures pause only browsers the colleague never signed in with.
- The first `AXES_FAILURE_LIMIT - 1` failures are free. The limit-th failure, and each one
  after it, pauses that username, address and kind of browser: the first pause is
  `QIREGISTER_LOGIN_COOLOFF_MINUTES`, and each further failure doubles it up to
  `QIREGISTER_LOGIN_COOLOFF_MAX_MINUTES` (by default 15, 30, 60, 120, 240, 240... minutes).
- A try during a pause, even with the right password, is refused and neither counts nor
  makes the pause longer (`AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False`), so every
  pause ends when the page says. The count is forgotten `QIREGISTER_LOGIN_FORGET_HOURS` after
  the last counted failure (`AXES_COOLOFF_TIME`), and a successful sign-in clears the count
  of the kind of browser it was made from.
- A try is counted when it is let through, before its password is checked (with the row
  locked), not after: guesses sent at the same moment as a pause ends get one through, not
  as many as the server can check at once.
- The device cookie: every successful sign-in gives the browser a signed, HttpOnly cookie
  (`qiregister_device`, `QIREGISTER_LOGIN_DEVICE_DAYS`) holding, for each of the last ten
  usernames signed in there, a keyed hash of the username (so a shared ward PC does not show
  who used it), a random device ID and the time. It is valid only for the username it was
  issued to, and only as long as SECRET_KEY stays the same.
- Single sign-on is never paused: its failures are counted and logged like any other, but
  there is no password to guess there (the provider checks it), and pausing by address would
  let one person stop the whole trust's single sign-on.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_credentials
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.db import router, transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

logger = logging.getLogger("qiregister.security")

DEVICE_COOKIE = "qiregister_device"
DEVICE_SALT = "qiregister.lockout.device"
# A shared ward PC remembers this many people; the oldest sign-in drops out first.
DEVICE_COOKIE_USERNAMES = 10
# What axes stores in its "user agent" column: the kind of browser the failures are counted for.
ANY_BROWSER = "any browser"
TRUSTED_BROWSER = "trusted browser "


# The device cookie


def _username_key(username: str) -> str:
    return salted_hmac(DEVICE_SALT, username).hexdigest()[:24]


def _device_entries(request: HttpRequest) -> list[list]:
    """The cookie's valid entries, [username key, device ID, issued at], newest first."""
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        entries = signing.loads(raw, salt=DEVICE_SALT)
    except signing.BadSignature:
        return []
    oldest = time.time() - settings.QIREGISTER_LOGIN_DEVICE_DAYS * 86400
    return [
        entry
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, list)
        and len(entry) == 3
        and all(isinstance(part, str) for part in entry[:2])
        and isinstance(entry[2], int)
        and entry[2] >= oldest
    ]


def trusted_device(request: HttpRequest, username: str | None) -> str | None:
    """The ID of the device cookie this browser holds for `username`, if it holds one."""
    if not username:
        return None
    key = _username_key(username)
    return next((device for k, device, _ in _device_entries(request) if k == key), None)


@receiver(user_logged_in, dispatch_uid="qiregister_lockout_trust_device")
def trust_device(sender, request: HttpRequest | None, user, **kwargs) -> None:
    # DeviceCookieMiddleware sets the cookie on the response.
    if request is not None:
        request.qiregister_trust_device_for = user.get_username()


class DeviceCookieMiddleware:
    """Gives a browser that has just signed in the device cookie for that username."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        username = getattr(request, "qiregister_trust_device_for", None)
        if username:
            key = _username_key(username)
            entries = _device_entries(request)
            device = next((d for k, d, _ in entries if k == key), None)
            device = device or secrets.token_urlsafe(9)
            entries = [[key, device, int(time.time())]] + [e for e in entries if e[0] != key]
            response.set_cookie(
                DEVICE_COOKIE,
                signing.dumps(entries[:DEVICE_COOKIE_USERNAMES], salt=DEVICE_SALT),
                max_age=settings.QIREGISTER_LOGIN_DEVICE_DAYS * 86400,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


# The pauses


def pause_length(failures: int) -> dt.timedelta:
    """How long the `failures`-th counted failure pauses signing in (zero below the limit)."""
    beyond = failures - settings.AXES_FAILURE_LIMIT
    if beyond < 0:
        return dt.timedelta(0)
    first = settings.QIREGISTER_LOGIN_COOLOFF_MINUTES
    longest = settings.QIREGISTER_LOGIN_COOLOFF_MAX_MINUTES
    # 2**beyond is only computed while it can still be below the cap.
    minutes = longest if beyond >= 30 else min(first * 2**beyond, longest)
    return dt.timedelta(minutes=minutes)


@dataclass(frozen=True)
class Pause:
    failures: int
    ends_at: dt.datetime
    length: dt.timedelta
    trusted_browser: bool


def is_single_sign_on(credentials: dict | None) -> bool:
    # mozilla-django-oidc authenticates with a nonce and a PKCE verifier, never a password.
    return bool(credentials) and "code_verifier" in credentials


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with the pauses above (AXES_HANDLER)."""

    def _classify(self, request: HttpRequest, credentials: dict | None) -> None:
        # Stored in axes' user agent column, which AXES_LOCKOUT_PARAMETERS counts by.
        device = trusted_device(request, get_client_username(request, credentials))
        request.axes_user_agent = f"{TRUSTED_BROWSER}{device}" if device else ANY_BROWSER

    def pause(self, request: HttpRequest, credentials: dict | None = None) -> Pause | None:
        """The pause this sign-in is under now, if any."""
        if is_single_sign_on(credentials):
            return None
        self._classify(request, credentials)
        attempt = None
        for attempts in self.get_user_attempts(request, credentials):
            attempt = attempt or attempts.order_by("-attempt_time").first()
        if attempt is None:
            return None
        length = pause_length(attempt.failures_since_start)
        ends_at = attempt.attempt_time + length
        if not length or ends_at <= request.axes_attempt_time:
            return None
        return Pause(
            attempt.failures_since_start,
            ends_at,
            length,
            attempt.user_agent.startswith(TRUSTED_BROWSER),
        )

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return self.pause(request, credentials) is not None

    def is_allowed(self, request, credentials: dict | None = None) -> bool:
        """Checked before the password: a try that is let through is counted at once, as a
        failure until it succeeds (a success clears the count), with the row locked, so tries
        sent at the same moment cannot all pass before the first is counted."""
        # (Axes' address allow and block lists, which this project does not use, are skipped.)
        if is_single_sign_on(credentials):
            return True
        self._classify(request, credentials)
        self.clean_expired_user_attempts(request, credentials)
        username = get_client_username(request, credentials)
        with transaction.atomic(using=router.db_for_write(AccessAttempt)):
            attempt, _ = AccessAttempt.objects.select_for_update().get_or_create(
                username=username,
                ip_address=request.axes_ip_address,
                user_agent=request.axes_user_agent,
                defaults={
                    "get_data": "",
                    "post_data": "",
                    "http_accept": request.axes_http_accept,
                    "path_info": request.axes_path_info,
                    "failures_since_start": 0,
                    "attempt_time": request.axes_attempt_time,
                },
            )
            failures = attempt.failures_since_start
            pause = pause_length(failures)
            if pause and attempt.attempt_time + pause > request.axes_attempt_time:
                return False
            attempt.failures_since_start = failures + 1
            attempt.attempt_time = request.axes_attempt_time
            attempt.http_accept = request.axes_http_accept
            attempt.path_info = request.axes_path_info
            attempt.save(
                update_fields=["failures_since_start", "attempt_time", "http_accept", "path_info"]
            )
        request.qiregister_counted_failures = failures + 1
        return True

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # After a failure is counted, axes pauses when this reaches the limit: from then on
        # every counted failure starts a pause (tries during one are not counted).
        if is_single_sign_on(credentials):
            return 0
        self._classify(request, credentials)
        return super().get_failures(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        failures = getattr(request, "qiregister_counted_failures", None)
        if failures is None:
            # Single sign-on, or a try refused during a pause (axes records nothing then).
            if request is not None:
                self._classify(request, credentials)
            return super().user_login_failed(sender, credentials, request, **kwargs)
        # Counted already by is_allowed: a failure from the limit on starts a pause.
        request.axes_failures_since_start = failures
        if failures >= settings.AXES_FAILURE_LIMIT:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
        return None

    def user_logged_in(self, sender, request, user, **kwargs):
        if request is not None:
            self._classify(request, get_credentials(user.get_username()))
        return super().user_logged_in(sender, request, user, **kwargs)


def _duration(length: dt.timedelta) -> str:
    hours, minutes = divmod(math.ceil(length.total_seconds() / 60), 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def current_pause(request: HttpRequest) -> Pause | None:
    return LockoutHandler().pause(request, getattr(request, "axes_credentials", None))


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The page django-axes shows instead of signing in during a pause (AXES_LOCKOUT_CALLABLE)."""
    pause = LockoutHandler().pause(request, credentials)
    context = {
        "pause": pause,
        "pause_length": _duration(pause.length) if pause else "",
        "longest_pause": _duration(pause_length(10**6)),
        "single_sign_on": settings.QIREGISTER_OIDC_ENABLED,
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    if pause:
        wait = pause.ends_at - request.axes_attempt_time
        response["Retry-After"] = str(math.ceil(wait.total_seconds()))
    return response


@receiver(user_locked_out, dispatch_uid="qiregister_security_locked_out")
def record_lockout(
    sender, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs
) -> None:
    pause = current_pause(request) if request is not None else None
    logger.warning(
        "Sign-in locked out: username=%r ip=%s browser=%s (failure %s, paused for %s until %s)",
        username,
        ip_address,
        "trusted" if pause and pause.trusted_browser else "any",
        pause.failures if pause else "?",
        _duration(pause.length) if pause else "?",
        f"{timezone.localtime(pause.ends_at):%H:%M}" if pause else "?",
    )
