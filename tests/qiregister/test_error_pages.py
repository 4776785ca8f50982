"""The service's own pages for a request it cannot read (400) and a failed CSRF check (403).

Through the web with CSRF checks on, as a browser sends them: a body over Django's limits
(DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB of form fields; DATA_UPLOAD_MAX_NUMBER_FIELDS, 1,000
fields) and a form whose CSRF token no longer matches. Every page is NHS-styled, says what
happened and what to do, carries the Content-Security-Policy, has no inline style or script
(which the policy would refuse) and no debug hint.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from measurement.models import DataPoint, Measure

ORIGIN = "http://testserver"


@pytest.fixture
def csrf_client(staff):
    """Signed in as staff, with CSRF checks enforced as for a browser."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff.user)
    return client


@pytest.fixture
def measure(project):
    return Measure.objects.create(project=project, name="Omitted critical doses")


def token(client: Client, path: str) -> str:
    """The CSRF token a browser would send after opening `path`."""
    client.get(path)
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def paste_path(measure: Measure) -> str:
    return reverse("measurement:data_paste", args=[measure.project.pk, measure.pk])


def assert_service_page(response) -> str:
    """The page is ours: NHS.UK layout, CSP header, no inline style/script, no debug hint."""
    html = response.content.decode()
    assert 'class="nhsuk-header' in html
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<style|\sstyle=", html)
    assert not re.search(r"<script(?![^>]*\ssrc=)", html), "inline script"
    assert "DEBUG" not in html
    assert "Bad Request (400)" not in html
    return html


def paste_rows(count: int) -> str:
    return "".join(f"2026-01-{1 + row % 28:02d},{row}\n" for row in range(count))


# --- Too large --------------------------------------------------------------------------------


def test_a_paste_over_the_upload_limit_gets_the_form_back_with_an_error(csrf_client, measure):
    path = paste_path(measure)
    data = paste_rows(200_000)  # about 2.8 MB
    assert len(data) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = csrf_client.post(
        path, {"csrfmiddlewaretoken": token(csrf_client, path), "data": data}, HTTP_ORIGIN=ORIGIN
    )
    assert response.status_code == 413
    html = assert_service_page(response)
    assert "There is a problem" in html  # the NHS error summary
    assert "Paste at most 1,000 rows (1 MB) at a time" in html
    assert 'id="id_data-error"' in html or "nhsuk-error-message" in html
    assert "Check the values" in html  # the form itself, to paste again
    assert not DataPoint.objects.exists()


def test_the_paste_form_says_how_much_it_takes_and_limits_the_box(client_for, staff, measure):
    html = client_for(staff).get(paste_path(measure)).content.decode()
    assert "At most 1,000 rows at a time" in html
    assert 'maxlength="1000000"' in html


def test_an_oversized_paste_from_someone_who_cannot_record_is_still_refused(outsider, measure):
    client = Client(enforce_csrf_checks=True)
    client.force_login(outsider.user)
    path = paste_path(measure)
    response = client.post(
        path,
        {"csrfmiddlewaretoken": token(client, path), "data": paste_rows(200_000)},
        HTTP_ORIGIN=ORIGIN,
    )
    assert response.status_code == 403
    assert "Paste at most" not in response.content.decode()


def test_an_oversized_form_elsewhere_gets_the_service_s_400_page(csrf_client, project):
    path = reverse("projects:edit", args=[project.pk])
    response = csrf_client.post(
        path,
        {"csrfmiddlewaretoken": token(csrf_client, path), "problem": "x" * 2_700_000},
        HTTP_ORIGIN=ORIGIN,
    )
    assert response.status_code == 400
    html = assert_service_page(response)
    assert "What you sent was too large" in html
    assert "It has not been saved" in html


def test_a_form_with_more_than_1000_fields_gets_the_service_s_400_page(csrf_client, project):
    path = reverse("projects:edit", args=[project.pk])
    fields = {f"field{number}": "x" for number in range(1001)}
    response = csrf_client.post(
        path, {"csrfmiddlewaretoken": token(csrf_client, path), **fields}, HTTP_ORIGIN=ORIGIN
    )
    assert response.status_code == 400
    html = assert_service_page(response)
    assert "more than 1,000" in html
    assert "It has not been saved" in html


def test_a_form_of_1000_fields_is_read(csrf_client, project):
    path = reverse("projects:edit", args=[project.pk])
    fields = {f"field{number}": "x" for number in range(998)}
    response = csrf_client.post(
        path, {"csrfmiddlewaretoken": token(csrf_client, path), **fields}, HTTP_ORIGIN=ORIGIN
    )
    assert response.status_code == 200  # the edit form again, with its own errors


def test_an_oversized_form_from_someone_not_signed_in_gets_the_400_page(db):
    client = Client(enforce_csrf_checks=True)
    path = reverse("login")
    response = client.post(
        path,
        {"csrfmiddlewaretoken": token(client, path), "username": "x" * 2_700_000},
        HTTP_ORIGIN=ORIGIN,
    )
    assert response.status_code == 400
    assert_service_page(response)


# --- CSRF -------------------------------------------------------------------------------------


def test_a_stale_form_gets_the_service_s_csrf_page_with_the_text_back(csrf_client, measure):
    path = paste_path(measure)
    token(csrf_client, path)
    typed = "2026-01-31,42\n<script>alert('x')</script> & more"
    response = csrf_client.post(
        path, {"csrfmiddlewaretoken": "x" * 32, "data": typed}, HTTP_ORIGIN=ORIGIN
    )
    assert response.status_code == 403
    html = assert_service_page(response)
    assert "Your form could not be sent" in html
    assert "Nothing you sent has been saved" in html
    assert "Copy what you typed" in html
    assert "reload the page" in html
    # The text comes back escaped, in a read-only box to copy from.
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in html
    assert "<script>alert" not in html
    assert "readonly" in html
    assert "no-store" in response["Cache-Control"]
    assert not DataPoint.objects.exists()


def test_a_form_without_a_csrf_cookie_gets_the_csrf_page(measure, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff.user)
    response = client.post(paste_path(measure), {"data": "2026-01-31,42"}, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 403
    html = assert_service_page(response)
    assert "Your form could not be sent" in html
    assert "cookies" in html


def test_a_form_sent_from_another_site_gets_no_text_back(csrf_client, measure):
    path = paste_path(measure)
    response = csrf_client.post(
        path,
        {"csrfmiddlewaretoken": token(csrf_client, path), "data": "Call 0800 000 000 now"},
        HTTP_ORIGIN="https://attacker.example",
    )
    assert response.status_code == 403
    html = assert_service_page(response)
    assert "another website" in html
    assert "0800" not in html


def test_a_stale_sign_in_form_never_shows_the_password(db):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    response = client.post(
        reverse("login"),
        {"csrfmiddlewaretoken": "y" * 32, "username": "sam", "password": "Secret-horse-42"},
        HTTP_ORIGIN=ORIGIN,
    )
    assert response.status_code == 403
    html = assert_service_page(response)
    assert "Secret-horse-42" not in html
