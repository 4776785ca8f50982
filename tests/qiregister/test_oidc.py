"""Single sign-on against a stub OpenID provider in this process.

The stub provider (tests/oidc_provider.py) runs in this process on 127.0.0.1. Tests drive the
browser's part with the Django test client: the sign-in page's link, the redirect to the stub,
the stub's redirect back to the callback. Nothing leaves the machine.
"""

from __future__ import annotations

import logging
import sys
from urllib.parse import urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from people.models import Person, SingleSignOnIdentity
from tests.factories import PersonFactory, UserFactory
from tests.helpers import environment_without
from tests.oidc_provider import StubProvider, configure


@pytest.fixture
def provider():
    with StubProvider() as stub:
        yield stub


@pytest.fixture
def sso(db, settings, provider):
    return configure(settings, provider)


def sign_in_with_provider(client, next_url: str = ""):
    """The browser's part: the sign-in page's link, the provider, back to the callback."""
    start = reverse("oidc_authentication_init") + (f"?next={next_url}" if next_url else "")
    to_provider = client.get(start)
    assert to_provider.status_code == 302
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    assert callback.path == reverse("oidc_authentication_callback")
    return client.get(f"{callback.path}?{callback.query}")


def signed_in_user(client):
    return client.get(reverse("home")).wsgi_request.user


def test_first_sign_in_creates_an_account_and_a_profile_in_the_mapped_department(
    client, sso, pharmacy
):
    sso.claims["department"] = "Pharmacy and Medicines Optimisation"
    response = sign_in_with_provider(client, next_url="/projects/")
    assert response.status_code == 302
    assert response["Location"] == "/projects/"
    user = signed_in_user(client)
    assert user.username == "jo.bloggs@trust.nhs.uk"
    assert user.email == "Jo.Bloggs@trust.nhs.uk"  # Django lower-cases the domain
    assert (user.first_name, user.last_name) == ("Jo", "Bloggs")
    assert not user.has_usable_password()
    assert user.person.department == pharmacy
    assert user.person.display_name == "Jo Bloggs"
    assert user.person.email == "Jo.Bloggs@trust.nhs.uk"


def test_second_sign_in_finds_the_same_account_by_its_identity(client, sso, pharmacy):
    sso.claims["department"] = "pharmacy"  # a slug needs no mapping
    sign_in_with_provider(client)
    client.logout()
    sso.claims["email"] = "jo.bloggs@trust.nhs.uk"
    sign_in_with_provider(client)
    assert get_user_model().objects.filter(email__iexact="jo.bloggs@trust.nhs.uk").count() == 1
    assert Person.objects.filter(user__email__iexact="jo.bloggs@trust.nhs.uk").count() == 1
    assert signed_in_user(client).is_authenticated


def test_a_department_claim_only_in_the_id_token_is_read(client, sso, pharmacy, settings):
    settings.QIREGISTER_OIDC_DEPARTMENT_CLAIM = "groups"
    settings.QIREGISTER_OIDC_DEPARTMENTS = {"6f0c-pharmacy-group": "Pharmacy"}
    sso.id_token_claims["groups"] = ["0a1b-all-staff", "6f0c-pharmacy-group"]
    sign_in_with_provider(client)
    assert signed_in_user(client).person.department == pharmacy


def test_an_existing_local_account_is_matched_by_email_and_keeps_its_department(
    client, sso, staff, outsider
):
    staff.user.email = "sam.taylor@trust.nhs.uk"
    staff.user.save()
    sso.claims.update(email="Sam.Taylor@trust.nhs.uk", department="Nursing")
    sign_in_with_provider(client)
    assert signed_in_user(client) == staff.user
    staff.refresh_from_db()
    assert staff.department.slug == "pharmacy"  # admins own it once the profile exists
    identity = SingleSignOnIdentity.objects.get()
    assert (identity.user, identity.subject) == (staff.user, "entra-object-id-1")


def test_an_unmapped_department_leaves_the_account_for_an_admin_to_assign(client, sso, pharmacy):
    sso.claims["department"] = "Estates and Facilities"
    response = sign_in_with_provider(client)
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.wsgi_request.user.is_authenticated
    assert not Person.objects.filter(user=home.wsgi_request.user).exists()
    assert "An admin must add you to one" in home.content.decode()
    # Pages that need a staff profile say what is missing rather than failing.
    me = client.get(reverse("people:me"))
    assert me.status_code == 403
    assert "ask an admin" in me.content.decode()


def test_a_profile_is_made_at_a_later_sign_in_once_the_claim_maps(client, sso, pharmacy):
    sign_in_with_provider(client)  # no department claim at all
    user = signed_in_user(client)
    assert not Person.objects.filter(user=user).exists()
    client.logout()
    sso.claims["department"] = ["a-group-we-ignore", "Pharmacy"]  # a list, e.g. groups
    sign_in_with_provider(client)
    assert Person.objects.get(user=user).department == pharmacy


def test_a_token_signed_with_another_key_is_refused(client, sso, caplog):
    sso.tamper_signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = sign_in_with_provider(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not signed_in_user(client).is_authenticated
    assert not get_user_model().objects.filter(email__iexact=sso.claims["email"]).exists()
    assert "Single sign-on refused" in caplog.text
    page = client.get(reverse("login"))
    assert "did not work" in page.content.decode()


def test_a_token_with_the_wrong_nonce_is_refused(client, sso, caplog):
    sso.tamper_nonce = "a-nonce-from-another-sign-in"
    sign_in_with_provider(client)
    assert not signed_in_user(client).is_authenticated
    assert "Nonce verification failed" in caplog.text


def test_a_token_for_another_client_is_refused(client, sso, caplog):
    sso.tamper_audience = "some-other-application"
    sign_in_with_provider(client)
    assert not signed_in_user(client).is_authenticated
    assert "issued for another client" in caplog.text


def test_a_token_from_another_issuer_is_refused(client, sso, settings, caplog):
    settings.QIREGISTER_OIDC_ISSUER = "https://login.microsoftonline.com/our-tenant/v2.0"
    sign_in_with_provider(client)
    assert not signed_in_user(client).is_authenticated
    assert "is not 'https://login.microsoftonline.com/our-tenant/v2.0'" in caplog.text


def test_a_replayed_callback_is_refused(client, sso, pharmacy):
    start = client.get(reverse("oidc_authentication_init"))
    back = requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    callback = urlsplit(back)
    replay = f"{callback.path}?{callback.query}"
    assert client.get(replay).status_code == 302
    # In the same session the state is used up: refused as a suspicious request.
    assert client.get(replay).status_code == 400
    # In another browser (a leaked URL) there is no state at all: back to the sign-in page.
    other = Client()
    assert other.get(replay)["Location"] == reverse("login")
    assert not signed_in_user(other).is_authenticated


def test_an_unreachable_provider_ends_on_the_sign_in_page(client, sso, settings):
    start = client.get(reverse("oidc_authentication_init"))
    back = requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there
    callback = urlsplit(back)
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_a_sign_in_is_logged_and_recorded_by_axes(client, sso, pharmacy, caplog):
    caplog.set_level(logging.INFO, logger="qiregister.security")
    sign_in_with_provider(client)
    assert "Signed in: username='jo.bloggs@trust.nhs.uk'" in caplog.text
    assert "Account created by single sign-on" in caplog.text


def test_failed_single_sign_ons_count_towards_the_lockout(client, sso, settings):
    sso.tamper_nonce = "wrong"
    for _ in range(2):
        sign_in_with_provider(client)
    assert AccessAttempt.objects.get().failures_since_start == 2


def test_an_inactive_account_cannot_sign_in(client, sso, staff):
    staff.user.email = "jo.bloggs@trust.nhs.uk"
    staff.user.is_active = False
    staff.user.save()
    sign_in_with_provider(client)
    assert not signed_in_user(client).is_authenticated


def test_local_password_sign_in_still_works_alongside(client, sso, pharmacy):
    user = UserFactory(username="demo-admin", is_staff=True)
    user.set_password("a demo password 2026")
    user.save()
    PersonFactory(user=user, department=pharmacy)
    response = client.post(
        reverse("login"), {"username": "demo-admin", "password": "a demo password 2026"}
    )
    assert response.status_code == 302
    assert signed_in_user(client) == user


def test_the_sign_in_page_offers_the_button_when_configured(client, sso, settings):
    settings.QIREGISTER_OIDC_BUTTON_LABEL = "Sign in with your NHS account"
    page = client.get(reverse("login") + "?next=/projects/").content.decode()
    assert "Sign in with your NHS account" in page
    assert 'href="/oidc/authenticate/?next=/projects/"' in page
    assert 'name="password"' in page  # the local form stays


def test_the_sign_in_page_has_no_button_by_default(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "oidc" not in page
    assert "NHS account" not in page
    assert 'name="password"' in page


def test_the_flow_is_open_to_anonymous_users_and_only_by_get(client, sso):
    assert client.get(reverse("oidc_authentication_init"))["Location"].startswith(sso.base)
    assert client.post(reverse("oidc_authentication_init")).status_code == 405
    # A callback with nothing to check goes back to the sign-in page, not a 500.
    assert client.get(reverse("oidc_authentication_callback"))["Location"] == reverse("login")


def _python(code: str, **env: str):
    import subprocess

    from tests.helpers import ROOT

    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment_without("OIDC_", "QIREGISTER_OIDC_"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


CHECK_URLS = (
    "import django; django.setup(); from django.conf import settings; from django.urls import "
    "reverse; print(reverse('oidc_authentication_init'), settings.AUTHENTICATION_BACKENDS[-1], "
    "settings.QIREGISTER_OIDC_DEPARTMENTS)"
)


def test_environment_variables_turn_single_sign_on_on():
    result = _python(
        CHECK_URLS,
        DJANGO_SETTINGS_MODULE="qiregister.settings",
        OIDC_RP_CLIENT_ID="client",
        OIDC_RP_CLIENT_SECRET="secret",
        OIDC_OP_AUTHORIZATION_ENDPOINT="https://idp.example/authorize",
        OIDC_OP_TOKEN_ENDPOINT="https://idp.example/token",
        OIDC_OP_USER_ENDPOINT="https://idp.example/userinfo",
        OIDC_OP_JWKS_ENDPOINT="https://idp.example/keys",
        QIREGISTER_OIDC_DEPARTMENTS="Pharmacy & Medicines=pharmacy, Nursing=nursing",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 2) == [
        "/oidc/authenticate/",
        "qiregister.oidc.SingleSignOnBackend",
        "{'Pharmacy & Medicines': 'pharmacy', 'Nursing': 'nursing'}\n",
    ]


def test_a_client_id_without_the_endpoints_stops_the_app():
    result = _python(
        CHECK_URLS, DJANGO_SETTINGS_MODULE="qiregister.settings", OIDC_RP_CLIENT_ID="client"
    )
    assert result.returncode != 0
    assert "single sign-on needs OIDC_RP_CLIENT_SECRET, OIDC_OP_AUTHORIZATION_ENDPOINT" in (
        result.stderr
    )


def test_without_the_variables_there_are_no_single_sign_on_urls():
    result = _python(CHECK_URLS, DJANGO_SETTINGS_MODULE="qiregister.settings")
    assert result.returncode != 0
    assert "NoReverseMatch" in result.stderr


# --- Accounts linked to the provider's identity ----------------------------


def refused(client, caplog) -> str:
    """Assert the sign-in was refused as every refusal is, and return the security log."""
    assert not signed_in_user(client).is_authenticated
    assert "did not work" in client.get(reverse("login")).content.decode()
    return "\n".join(
        r.getMessage() for r in caplog.records if r.getMessage().startswith("Single sign-on")
    )


def test_another_identity_with_an_unverified_admin_email_is_refused(client, sso, admin, caplog):
    # The reproduction: a different sub, email_verified false, the admin's email in capitals.
    admin.user.email = "admin@trust.nhs.uk"
    admin.user.save()
    sso.claims.update(sub="attacker-sub", email="ADMIN@TRUST.NHS.UK", email_verified=False)
    response = sign_in_with_provider(client)
    assert response["Location"] == reverse("login")
    log = refused(client, caplog)
    assert "the provider says the email 'ADMIN@TRUST.NHS.UK' is not verified" in log
    assert f"iss='{sso.issuer}' sub='attacker-sub'" in log
    assert not SingleSignOnIdentity.objects.exists()
    assert AccessAttempt.objects.get().failures_since_start == 1  # counted for axes


def test_a_staff_account_is_never_linked_automatically(client, sso, admin, caplog):
    # Even with the email verified: an admin links staff and superuser accounts.
    admin.user.email = "admin@trust.nhs.uk"
    admin.user.save()
    sso.claims.update(email="Admin@trust.nhs.uk", email_verified=True)
    sign_in_with_provider(client)
    log = refused(client, caplog)
    assert (
        "Single sign-on refused: the account 'admin' is staff or superuser, so an admin must "
        f"link it in the admin (iss='{sso.issuer}' sub='entra-object-id-1')"
    ) in log
    assert not SingleSignOnIdentity.objects.exists()
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_an_admin_links_a_staff_account_in_the_admin_and_it_then_signs_in(
    client, sso, admin, manager
):
    manager.user.is_staff = True
    manager.user.email = "mo.manager@trust.nhs.uk"
    manager.user.save()
    admin_client = Client()
    admin_client.force_login(admin.user)
    add = reverse("admin:people_singlesignonidentity_add")
    assert admin_client.get(add).status_code == 200
    form = {"user": manager.user.pk, "issuer": sso.issuer, "subject": "manager-sub"}
    form |= {"tenant_id": "", "object_id": "", "linked_at_0": "2026-12-07", "linked_at_1": "09:00"}
    assert admin_client.post(add, form).status_code == 302
    identity = SingleSignOnIdentity.objects.get()
    assert identity.history.get().history_user == admin.user  # audited
    sso.claims.update(sub="manager-sub", email="someone.else@trust.nhs.uk")
    sign_in_with_provider(client)
    assert signed_in_user(client) == manager.user
    listing = admin_client.get(reverse("admin:people_singlesignonidentity_changelist"))
    assert "manager-sub" in listing.content.decode()


def test_the_admin_refuses_half_an_entra_identity(client, sso, admin, staff):
    admin_client = Client()
    admin_client.force_login(admin.user)
    form = {"user": staff.user.pk, "issuer": sso.issuer, "subject": "s", "tenant_id": "t"}
    form |= {"object_id": "", "linked_at_0": "2026-12-07", "linked_at_1": "09:00"}
    response = admin_client.post(reverse("admin:people_singlesignonidentity_add"), form)
    assert response.status_code == 200
    assert "Give both the tenant ID and the object ID, or neither." in response.content.decode()
    assert not SingleSignOnIdentity.objects.exists()


def test_an_unverified_email_is_not_linked_to_an_existing_account(client, sso, staff, caplog):
    staff.user.email = "sam.taylor@trust.nhs.uk"
    staff.user.save()
    sso.claims.update(email="sam.taylor@trust.nhs.uk", email_verified="false")  # as a string
    sign_in_with_provider(client)
    assert "is not verified" in refused(client, caplog)
    assert not SingleSignOnIdentity.objects.exists()


def test_a_verified_email_links_an_existing_account(client, sso, staff):
    staff.user.email = "sam.taylor@trust.nhs.uk"
    staff.user.save()
    sso.claims.update(email="SAM.TAYLOR@trust.nhs.uk", email_verified=True)
    sign_in_with_provider(client)
    assert signed_in_user(client) == staff.user
    assert SingleSignOnIdentity.objects.get().user == staff.user


def test_without_a_pinned_issuer_an_email_the_provider_did_not_verify_is_not_linked(
    client, sso, staff, settings, caplog
):
    # No email_verified claim (as from Entra ID) and any issuer accepted: not trusted.
    settings.QIREGISTER_OIDC_ISSUER = ""
    staff.user.email = "sam.taylor@trust.nhs.uk"
    staff.user.save()
    sso.claims["email"] = "sam.taylor@trust.nhs.uk"
    sign_in_with_provider(client)
    log = refused(client, caplog)
    assert "did not say the email 'sam.taylor@trust.nhs.uk' is verified" in log
    assert "QIREGISTER_OIDC_ISSUER" in log


def test_an_account_linked_to_another_identity_is_refused(client, sso, staff, caplog):
    staff.user.email = "sam.taylor@trust.nhs.uk"
    staff.user.save()
    SingleSignOnIdentity.objects.create(user=staff.user, issuer=sso.issuer, subject="sam-sub")
    sso.claims.update(sub="someone-else", email="sam.taylor@trust.nhs.uk", email_verified=True)
    sign_in_with_provider(client)
    log = refused(client, caplog)
    assert (
        "Single sign-on refused: the account 'staff' is already linked to another identity "
        f"(iss='{sso.issuer}' sub='someone-else')"
    ) in log
    assert SingleSignOnIdentity.objects.get().subject == "sam-sub"
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_a_known_identity_signs_in_as_itself_whatever_its_email_now(client, sso, staff, champion):
    staff.user.email = "sam.taylor@trust.nhs.uk"
    staff.user.save()
    sso.claims.update(email="sam.taylor@trust.nhs.uk", email_verified=True)
    sign_in_with_provider(client)
    assert signed_in_user(client) == staff.user
    client.logout()
    # The provider now sends another account's email, verified or not: still Sam's account.
    sso.claims.update(email=champion.user.email.upper(), email_verified=False)
    sign_in_with_provider(client)
    assert signed_in_user(client) == staff.user
    assert SingleSignOnIdentity.objects.count() == 1


def test_the_first_link_is_stored_with_its_history(client, sso, pharmacy, caplog):
    caplog.set_level(logging.INFO, logger="qiregister.security")
    sign_in_with_provider(client)
    user = signed_in_user(client)
    identity = SingleSignOnIdentity.objects.get()
    assert (identity.user, identity.issuer, identity.subject) == (
        user,
        sso.issuer,
        "entra-object-id-1",
    )
    assert (identity.tenant_id, identity.object_id) == ("", "")
    assert identity.history.count() == 1
    assert (
        f"Single sign-on identity linked: username='jo.bloggs@trust.nhs.uk' iss='{sso.issuer}' "
        "sub='entra-object-id-1'"
    ) in caplog.text


def test_entra_tenant_and_object_ids_are_stored_and_recognised(client, sso, pharmacy):
    tid, oid = "72f988bf-0000-0000-0000-2d7cd011db47", "00000000-0000-0000-66f3-3332eca7ea81"
    sso.id_token_claims.update(tid=tid, oid=oid)
    sign_in_with_provider(client)
    user = signed_in_user(client)
    identity = SingleSignOnIdentity.objects.get()
    assert (identity.tenant_id, identity.object_id) == (tid, oid)
    client.logout()
    # A new app registration gives the same person another (pairwise) sub: the directory
    # object still names them.
    sso.claims.update(sub="pairwise-sub-for-the-new-app", email="jo.b@trust.nhs.uk")
    sign_in_with_provider(client)
    assert signed_in_user(client) == user
    assert SingleSignOnIdentity.objects.count() == 1


def test_entra_ids_sent_only_by_userinfo_are_not_trusted(client, sso, pharmacy, caplog):
    tid, oid = "72f988bf-0000-0000-0000-2d7cd011db47", "00000000-0000-0000-66f3-3332eca7ea81"
    sso.id_token_claims.update(tid=tid, oid=oid)
    sign_in_with_provider(client)
    jo = signed_in_user(client)
    client.logout()
    # Another person whose userinfo answer claims Jo's object ID is a new account, not Jo.
    sso.claims.update(sub="other-sub", email="alex@trust.nhs.uk")
    sso.id_token_claims.clear()
    sso.userinfo_claims.update(tid=tid, oid=oid)
    sign_in_with_provider(client)
    assert signed_in_user(client) not in (jo, None)
    assert SingleSignOnIdentity.objects.count() == 2


def test_a_userinfo_answer_for_another_subject_is_refused(client, sso, pharmacy, caplog):
    accounts = get_user_model().objects.count()
    sso.userinfo_claims["sub"] = "someone-else"
    sign_in_with_provider(client)
    assert "userinfo answer is for another subject" in refused(client, caplog)
    assert get_user_model().objects.count() == accounts


def test_a_new_identity_with_a_new_email_makes_and_links_an_account(client, sso, pharmacy):
    sso.claims["email_verified"] = False  # nobody's account is at stake
    sign_in_with_provider(client)
    user = signed_in_user(client)
    assert user.username == "jo.bloggs@trust.nhs.uk"
    assert SingleSignOnIdentity.objects.get().user == user


def test_a_linked_but_deactivated_account_is_refused_and_counted(client, sso, staff, caplog):
    SingleSignOnIdentity.objects.create(
        user=staff.user, issuer=sso.issuer, subject="entra-object-id-1"
    )
    staff.user.is_active = False
    staff.user.save()
    sign_in_with_provider(client)
    assert "the account 'staff' is deactivated" in refused(client, caplog)
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_failed_single_sign_ons_are_counted_but_never_pause_single_sign_on(client, sso, pharmacy):
    # Nothing can be guessed through the provider, and one address is the whole trust's.
    sso.tamper_nonce = "wrong"
    for _ in range(6):
        assert sign_in_with_provider(client)["Location"] == reverse("login")
    assert AccessAttempt.objects.get().failures_since_start == 6
    sso.tamper_nonce = None
    assert sign_in_with_provider(client).status_code == 302
    assert signed_in_user(client).is_authenticated


def test_a_subject_longer_than_the_standard_allows_is_refused_not_a_500(client, sso, caplog):
    sso.claims["sub"] = "x" * 256
    assert sign_in_with_provider(client)["Location"] == reverse("login")
    assert "iss, sub, tid or oid is too long" in refused(client, caplog)
