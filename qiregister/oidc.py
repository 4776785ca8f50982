"""Single sign-on with OpenID Connect (e.g. Microsoft Entra ID), through mozilla-django-oidc.

Its two routes are in qiregister/urls.py; they, and the backend in AUTHENTICATION_BACKENDS, are
on only when OIDC_RP_CLIENT_ID is set (see settings). The flow is the authorization code flow
with PKCE and a nonce:

- `oidc/authenticate/` sends the browser to the provider (a plain GET link on the sign-in page,
  so the CSP's `form-action 'self'` is not involved);
- `oidc/callback/` exchanges the code for tokens, checks the ID token (signature from the
  provider's JWKS, nonce, expiry, and here also audience and, when configured, issuer), reads
  the user's claims and signs them in.

Accounts are linked to the provider's immutable identity, never found by email alone (an email
is what the person, or another organisation's directory, says it is). The ID token's `iss` +
`sub`, and for Microsoft Entra ID `tid` + `oid`, are stored as a SingleSignOnIdentity when an
account is first linked:

- a known identity signs in as its account, whatever email it sends now;
- an unknown identity whose email (ignoring case) is an existing account's is linked to it only
  if the provider did not say the email is unverified (`email_verified: false` is refused; with
  no `email_verified` claim, as from Entra ID, only when QIREGISTER_OIDC_ISSUER pins one issuer,
  the trust's own directory), the account is neither staff nor superuser (an admin links those
  in the admin, from the iss/sub the refusal logs), and it is not linked to another identity;
- an unknown identity with an unknown email gets a new account, linked to it. The account has
  an unusable password (it can only sign in through the provider) and, when the department
  claim maps to a Department, a staff profile (Person) in it. Otherwise the account has no
  profile until an admin adds one, and the home page says so. A department is only ever set
  here when the profile is first made: after that, admins own it.

Every refusal (bad signature, wrong nonce or audience, the provider unreachable, any of the
linking rules) ends on the sign-in page with a message, is logged by `qiregister.security`
with the identity, and counts as a failed sign-in for django-axes like a wrong password does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from people.departments import first_page_after_sign_in
from people.models import Department, Person, SingleSignOnIdentity, person_of
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


class SingleSignOnRefused(Exception):
    """A verified sign-in that the linking rules refuse; the message goes to the security log."""


@dataclass(frozen=True)
class ProviderIdentity:
    """Who the provider says signed in, read from the verified ID token only."""

    issuer: str
    subject: str
    tenant_id: str = ""
    object_id: str = ""

    @classmethod
    def from_id_token(cls, payload: dict) -> ProviderIdentity:
        issuer, subject = str(payload.get("iss") or ""), str(payload.get("sub") or "")
        if not issuer or not subject:
            raise SingleSignOnRefused("the ID token has no iss or no sub")
        tenant_id, object_id = str(payload.get("tid") or ""), str(payload.get("oid") or "")
        if not (tenant_id and object_id):
            tenant_id = object_id = ""
        # OpenID Connect limits sub to 255 characters; Entra's IDs are GUIDs (36).
        if len(issuer) > 255 or len(subject) > 255 or len(tenant_id) > 64 or len(object_id) > 64:
            raise SingleSignOnRefused("the ID token's iss, sub, tid or oid is too long")
        return cls(issuer, subject, tenant_id, object_id)

    def __str__(self) -> str:
        entra = f" tid={self.tenant_id!r} oid={self.object_id!r}" if self.object_id else ""
        return f"iss={self.issuer!r} sub={self.subject!r}{entra}"


def email_verified(claims: dict) -> bool | None:
    """The provider's `email_verified` claim: True, False, or None when it says nothing.

    Some providers send the strings "true" and "false".
    """
    value = claims.get("email_verified")
    if isinstance(value, str):
        value = {"true": True, "false": False}.get(value.strip().lower(), False)
    return None if value is None else bool(value)


class SingleSignOnBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except (
            SingleSignOnRefused,
            SuspiciousOperation,
            jwt.InvalidTokenError,
            requests.RequestException,
        ) as exc:
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

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict):
        """The account the verified ID token's identity signs in as, linked by the rules above."""
        claims = self.get_userinfo(access_token, id_token, payload)
        identity = ProviderIdentity.from_id_token(payload)
        # OpenID Connect Core 5.3.2: a userinfo answer about someone else must not be used.
        if claims.get("sub") != payload.get("sub"):
            raise SingleSignOnRefused(f"the userinfo answer is for another subject ({identity})")
        if not self.verify_claims(claims):
            raise SingleSignOnRefused(f"the provider sent no email ({identity})")
        try:
            with transaction.atomic():
                return self._account_for(identity, claims)
        except IntegrityError as exc:
            # Two first sign-ins of one identity at once: the other one linked it.
            raise SingleSignOnRefused(f"the identity was just linked ({identity})") from exc

    def _account_for(self, identity: ProviderIdentity, claims: dict):
        known = list(
            SingleSignOnIdentity.objects.matching(
                issuer=identity.issuer,
                subject=identity.subject,
                tenant_id=identity.tenant_id,
                object_id=identity.object_id,
            )[:2]
        )
        if len(known) > 1:
            raise SingleSignOnRefused(f"the identity matches two linked accounts ({identity})")
        if known:
            return self._active(known[0].user, identity, claims)
        email = claims["email"].strip()
        users = list(get_user_model().objects.filter(email__iexact=email)[:2])
        if not users:
            return self.create_user(claims, identity)
        if len(users) > 1:
            raise SingleSignOnRefused(f"two accounts have the email {email!r} ({identity})")
        user = users[0]
        self._check_linkable(user, email, claims, identity)
        self._link(user, identity)
        return self._active(user, identity, claims)

    def _check_linkable(self, user, email: str, claims: dict, identity) -> None:
        username = user.get_username()
        verified = email_verified(claims)
        if verified is False:
            raise SingleSignOnRefused(
                f"the provider says the email {email!r} is not verified, so it is not linked "
                f"to the account {username!r} ({identity})"
            )
        if verified is None and not settings.QIREGISTER_OIDC_ISSUER:
            raise SingleSignOnRefused(
                f"the provider did not say the email {email!r} is verified and "
                f"QIREGISTER_OIDC_ISSUER does not pin the issuer, so it is not linked to the "
                f"account {username!r} ({identity})"
            )
        if user.is_staff or user.is_superuser:
            raise SingleSignOnRefused(
                f"the account {username!r} is staff or superuser, so an admin must link it in "
                f"the admin ({identity})"
            )
        if hasattr(user, "single_sign_on_identity"):
            raise SingleSignOnRefused(
                f"the account {username!r} is already linked to another identity ({identity})"
            )

    def _link(self, user, identity: ProviderIdentity) -> None:
        SingleSignOnIdentity.objects.create(
            user=user,
            issuer=identity.issuer,
            subject=identity.subject,
            tenant_id=identity.tenant_id,
            object_id=identity.object_id,
        )
        logger.info("Single sign-on identity linked: username=%r %s", user.get_username(), identity)

    def _active(self, user, identity: ProviderIdentity, claims: dict):
        if not user.is_active:
            raise SingleSignOnRefused(
                f"the account {user.get_username()!r} is deactivated ({identity})"
            )
        return self.update_user(user, claims)

    def create_user(self, claims: dict, identity: ProviderIdentity):
        email = claims["email"].strip()
        user = get_user_model().objects.create_user(
            self._free_username(email),
            email=email,
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        logger.info("Account created by single sign-on: username=%r", user.get_username())
        self._link(user, identity)
        self._add_profile(user, claims)
        return user

    def update_user(self, user, claims: dict):
        if person_of(user) is None:
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
        if person_of(self.user) is None:
            messages.info(self.request, NO_PROFILE_MESSAGE)
        return response

    @property
    def failure_url(self) -> str:
        return reverse(settings.LOGIN_REDIRECT_URL_FAILURE)

    @property
    def success_url(self) -> str:
        return first_page_after_sign_in(self.user, super().success_url)
