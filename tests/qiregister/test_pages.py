import pytest
from django.urls import reverse

from tests.factories import PASSWORD


def test_healthz_answers_200_without_login_and_checks_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_503_when_the_database_fails(client, db, monkeypatch):
    from django.db import OperationalError, connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("database is down")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_anonymous_home_redirects_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_home_shows_the_signed_in_persons_name(client_for, staff):
    response = client_for(staff).get("/")
    assert response.status_code == 200
    assert "Hello, Sam Taylor" in response.content.decode()
    assert "Pharmacy technician, Pharmacy" in response.content.decode()


def test_home_works_for_a_user_without_a_person(client, django_user_model):
    user = django_user_model.objects.create_user("bare", password=PASSWORD)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert "Hello, bare" in response.content.decode()


def test_admin_link_only_for_django_staff(client_for, staff, admin):
    assert reverse("admin:index") not in client_for(staff).get("/").content.decode()
    assert reverse("admin:index") in client_for(admin).get("/").content.decode()


def test_login_with_correct_password_signs_in(client, staff):
    response = client.post("/login/", {"username": "staff", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_with_wrong_password_shows_error_summary(client, staff):
    response = client.post("/login/", {"username": "staff", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html
    assert "Please enter a correct username and password" in html
    assert "<title>Error: Sign in" in html


def test_login_with_missing_fields_links_errors_to_fields(client, db):
    html = client.post("/login/", {"username": "", "password": ""}).content.decode()
    assert 'href="#id_username"' in html
    assert 'href="#id_password"' in html
    assert 'class="nhsuk-input nhsuk-input--error"' in html or "nhsuk-input--error" in html
    assert 'aria-describedby="id_username-error"' in html


def test_logout_needs_post(client_for, staff):
    client = client_for(staff)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_rejects_wrong_old_password(client_for, staff):
    response = client_for(staff).post(
        "/password/change/",
        {"old_password": "nope", "new_password1": "A-new-long-pass-99", "new_password2": "x"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_old_password"' in html
    staff.user.refresh_from_db()
    assert staff.user.check_password(PASSWORD)


def test_password_change_with_valid_input_changes_password(client_for, staff):
    new = "A-new-long-pass-99"
    response = client_for(staff).post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == "/password/change/done/"
    staff.user.refresh_from_db()
    assert staff.user.check_password(new)


@pytest.mark.parametrize("path", ["/login/", "/accessibility/"])
def test_public_pages_render_without_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'id="maincontent"' in response.content.decode()


def test_pages_link_the_accessibility_statement_and_skip_link(client_for, staff):
    html = client_for(staff).get("/").content.decode()
    assert 'href="/accessibility/"' in html
    assert 'class="nhsuk-skip-link"' in html
    assert 'href="#maincontent"' in html


def test_pages_load_only_local_assets(client_for, staff):
    html = client_for(staff).get("/").content.decode()
    assert "/static/vendor/nhsuk-frontend/nhsuk-frontend.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html


def test_home_page_runs_a_bounded_number_of_queries(
    client_for, staff, django_assert_max_num_queries
):
    client = client_for(staff)
    # session, user, person (header name), the person's roles in one query (champion,
    # manager, trust QI team: navigation and what needs them), person's department (lede);
    # a count each of tasks due, requests to decide, proposals and closure reports sent back,
    # and closure reports to sign off (a QI lead who is no champion signs off too); none
    # waiting, so no list is read (tests/qiregister/test_home.py counts a full home page).
    with django_assert_max_num_queries(10):
        client.get("/")
