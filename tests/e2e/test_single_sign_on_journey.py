"""Signing in with the organisation's account in Chromium, against the stub OpenID provider.

The browser follows the real redirects: the sign-in page's button to the live server's
`/oidc/authenticate/`, on to the stub provider on 127.0.0.1, back to `/oidc/callback/`, and to
the page it first asked for. The CSP (`form-action 'self'`) must not get in the way.
"""

import pytest

from tests.e2e.conftest import assert_accessible
from tests.oidc_provider import StubProvider, configure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sso(settings):
    with StubProvider() as provider:
        yield configure(settings, provider)


def test_staff_sign_in_with_their_nhs_account(page, sso, pharmacy):
    sso.claims["department"] = "Pharmacy and Medicines Optimisation"
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/projects/")
    assert "/login/?next=/projects/" in page.url
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with your NHS account").click()
    page.wait_for_url("**/projects/")
    assert page.get_by_role("heading", level=1).is_visible()
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Jo Bloggs"
    assert violations == []
    # The only other host the browser spoke to is the (stub) provider.
    assert {url.split("/")[2] for url in page.external_requests} == {sso.base.split("/")[2]}
