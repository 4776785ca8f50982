"""Single sign-on with OpenID Connect (e.g. Microsoft Entra ID), through mozilla-django-oidc.

Included by qiregister/urls.py and added to AUTHENTICATION_BACKENDS only when OIDC_RP_CLIENT_ID
is set (see settings). The flow is the authorization code flow with PKCE and a nonce:

- `oidc/authenticate/` sends the browser to the provider (a plain GET link on the sign-in page,
  so the CSP's `form-action 'self'` is not involved);
- `oidc/callback/` exchanges the code for tokens, checks the ID token (signature from the
  provider's JWKS, nonce, expiry, and here also audience and, when configured, issuer), reads
  the user's claims and signs them in.

Accounts are matched by email, ignoring case; an unknown email gets a new account with an
unusable password (it can only sign in through the provider) and, when the department claim
maps to a Department, a staff profile (Person) in it. Otherwise the account has no profile
until an admin adds one, and the home page says so. A department is only ever set here when
the profile is first made: after that, admins own it.

Every refusal (bad signature, wrong nonce or audience, the provider unreachable) ends on the
sign-in page with a message, is logged by `qiregister.security`, and counts as a failed
sign-in for django-axes like a wrong password does.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.urls import path, reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from people.models import Department, Person
from qiregister.security import client_ip

logger = logging.getLogger("qiregister.security")

NO_PROFILE_MESSAGE = (
    "You are signed in, but your account is not yet linked to a department. An admin must "
    "add you to one before you can propose projects or take tasks."
)
FAILURE_MESSAGE = (
    "Signing in with your organisation's account did not work. Try again, or sign in with a "
    "QI Register username and password."
)


def department_for_claims(claims: dict) -> Department | None:
    """The Department named by the configured claim, through QIREGISTER_OIDC_DEPARTMENTS.

    The claim may hold one value or a list (e.g. groups): the first that maps wins. A value
    not in the mapping is looked up as a department slug or name as it is.
    """
    claim = settings.QIREGISTER_OIDC_DEPARTMENT_CLAIM
    if not claim:
        return None
    values = claims.get(claim)
    if values is None:
        return None
    if isinstance(values, str | int):
        values = [values]
    mapping = settings.QIREGISTER_OIDC_DEPARTMENTS
    for value in map(str, values):
        target = mapping.get(value, value)
        department = Department.objects.filter(Q(slug=target) | Q(name__iexact=target)).first()
        if department is not None:
            return department
        if value in mapping:
            logger.warning(
                "QIREGISTER_OIDC_DEPARTMENTS maps %r to %r: no such department", value, target
            )
    return None


class SingleSignOnBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, jwt.InvalidTokenError, requests.RequestException) as exc:
            # Django then sends user_login_failed: the failure is logged and counted by axes.
            logger.warning("Single sign-on refused: %s ip=%s", exc, client_ip(request))
            return None

    def verify_token(self, token: str, **kwargs) -> dict:
        """mozilla-django-oidc checks the signature, expiry and nonce; add audience and issuer."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token was issued for another client")
        issuer = settings.QIREGISTER_OIDC_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation(f"ID token issuer {payload.get('iss')!r} is not {issuer!r}")
        if "exp" not in payload:
            raise SuspiciousOperation("ID token has no expiry")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict) -> dict:
        # Entra ID puts optional claims (groups, extension attributes) in the verified ID token
        # only; the userinfo endpoint answers a fixed set. Read both, userinfo first.
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def verify_claims(self, claims: dict) -> bool:
        return bool(str(claims.get("email") or "").strip())

    @transaction.atomic
    def create_user(self, claims: dict):
        email = claims["email"].strip()
        user = get_user_model().objects.create_user(
            self._free_username(email),
            email=email,
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        logger.info("Account created by single sign-on: username=%r", user.get_username())
        self._add_profile(user, claims)
        return user

    @transaction.atomic
    def update_user(self, user, claims: dict):
        if getattr(user, "person", None) is None:
            self._add_profile(user, claims)
        return user

    def _add_profile(self, user, claims: dict) -> None:
        department = department_for_claims(claims)
        if department is None:
            return
        name = claims.get("name") or " ".join(
            str(part) for part in (claims.get("given_name"), claims.get("family_name")) if part
        )
        Person.objects.create(
            user=user,
            display_name=(name or user.email.split("@")[0])[:150],
            job_role=Person.JobRole.OTHER,
            department=department,
            email=user.email,
        )

    def _free_username(self, email: str) -> str:
        """The email in lower case, with -2, -3… if a local account already has it."""
        users = get_user_model().objects
        base = email.lower()[:140]
        username, n = base, 1
        while users.filter(username__iexact=username).exists():
            n += 1
            username = f"{base}-{n}"
        return username


class CallbackView(OIDCAuthenticationCallbackView):
    def login_failure(self) -> HttpResponse:
        messages.error(self.request, FAILURE_MESSAGE)
        return super().login_failure()

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        # An AttributeError subclass: getattr's default covers an account without a profile.
        if getattr(self.user, "person", None) is None:
            messages.info(self.request, NO_PROFILE_MESSAGE)
        return response

    @property
    def failure_url(self) -> str:
        return reverse(settings.LOGIN_REDIRECT_URL_FAILURE)


# The sign-in flow itself: open to anyone, like the sign-in page.
urlpatterns = [
    path(
        "authenticate/",
        login_not_required(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        login_not_required(CallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
