import pytest
from django.core import mail
from django.urls import reverse

from projects.models import Interest, Membership
from tests.factories import PersonFactory, RoleOpeningFactory


@pytest.fixture
def opening(project):
    return RoleOpeningFactory(project=project, title="Data collector", places=1)


@pytest.fixture
def colleague(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Colin League")


def join_url(project):
    return reverse("projects:join", args=[project.pk])


def test_colleague_applies_for_a_role_and_the_lead_is_emailed(
    client_for, colleague, project, opening, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(colleague).post(
            join_url(project), {"role_opening": opening.pk, "message": "Free on Tuesdays"}
        )
    assert response.status_code == 302
    interest = Interest.objects.get()
    assert (interest.person, interest.role_opening, interest.status) == (
        colleague,
        opening,
        Interest.Status.PENDING,
    )
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [project.lead.email]
    assert "Colin League" in email.subject
    assert "Free on Tuesdays" in email.body
    assert f"/projects/{project.pk}/#interests" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert f"/projects/{project.pk}/#interests" in html


def test_general_interest_without_a_role(client_for, colleague, project):
    client_for(colleague).post(join_url(project), {"message": ""})
    assert Interest.objects.get().role_opening is None


def test_asking_twice_is_refused_with_a_message(client_for, colleague, project):
    client = client_for(colleague)
    client.post(join_url(project), {})
    response = client.get(join_url(project))
    response = client.post(join_url(project), {})
    assert "You have already asked to join" in response.content.decode()
    assert Interest.objects.count() == 1


def test_a_message_that_is_too_long_is_refused(client_for, colleague, project):
    response = client_for(colleague).post(join_url(project), {"message": "x" * 1001})
    assert "1000 characters or fewer" in response.content.decode()
    assert Interest.objects.count() == 0


def test_outsider_cannot_join_another_departments_project(client_for, outsider, project):
    assert client_for(outsider).get(join_url(project)).status_code == 403
    assert client_for(outsider).post(join_url(project), {}).status_code == 403
    assert Interest.objects.count() == 0


def test_drafts_cannot_be_joined_by_others(client_for, colleague, draft):
    assert client_for(colleague).post(join_url(draft), {}).status_code == 404


def test_lead_accepts_making_a_membership_and_the_person_is_emailed(
    client_for, staff, colleague, project, opening, django_capture_on_commit_callbacks
):
    interest = Interest.objects.create(project=project, person=colleague, role_opening=opening)
    url = reverse("projects:interest_accept", args=[project.pk, interest.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(url)
    assert response.status_code == 302
    membership = Membership.objects.get()
    assert (membership.person, membership.role_title) == (colleague, "Data collector")
    assert membership.commitment_hours == opening.commitment_hours
    assert mail.outbox[0].to == [colleague.email]
    assert "Welcome to the team" in mail.outbox[0].body
    page = client_for(staff).get(reverse("projects:detail", args=[project.pk]))
    assert "Colin League (Data collector" in page.content.decode()


def test_lead_declines_and_the_person_is_told(
    client_for, staff, colleague, project, django_capture_on_commit_callbacks
):
    interest = Interest.objects.create(project=project, person=colleague)
    url = reverse("projects:interest_decline", args=[project.pk, interest.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff).post(url)
    interest.refresh_from_db()
    assert interest.status == Interest.Status.DECLINED
    assert interest.decided_by == staff
    assert Membership.objects.count() == 0
    assert "declined" in mail.outbox[0].body


@pytest.mark.parametrize("persona", ["champion", "manager", "colleague", "outsider"])
def test_only_the_lead_decides(db, request, client_for, project, colleague, persona):
    interest = Interest.objects.create(project=project, person=colleague)
    url = reverse("projects:interest_accept", args=[project.pk, interest.pk])
    response = client_for(request.getfixturevalue(persona)).post(url)
    assert response.status_code == 403
    interest.refresh_from_db()
    assert interest.status == Interest.Status.PENDING


def test_accepting_beyond_the_places_is_refused(client_for, staff, project, opening, pharmacy):
    first, second = (
        Interest.objects.create(
            project=project, person=PersonFactory(department=pharmacy), role_opening=opening
        )
        for _ in range(2)
    )
    client = client_for(staff)
    client.post(reverse("projects:interest_accept", args=[project.pk, first.pk]))
    response = client.post(
        reverse("projects:interest_accept", args=[project.pk, second.pk]), follow=True
    )
    assert "No places left for Data collector: 1 of 1 taken" in response.content.decode()
    assert Membership.objects.count() == 1


def test_deciding_twice_is_refused(client_for, staff, colleague, project):
    interest = Interest.objects.create(project=project, person=colleague)
    client = client_for(staff)
    client.post(reverse("projects:interest_accept", args=[project.pk, interest.pk]))
    response = client.post(
        reverse("projects:interest_decline", args=[project.pk, interest.pk]), follow=True
    )
    assert "already accepted" in response.content.decode()
    assert Membership.objects.count() == 1


def test_person_withdraws_their_own_request_only(client_for, colleague, champion, project):
    interest = Interest.objects.create(project=project, person=colleague)
    url = reverse("projects:interest_withdraw", args=[project.pk, interest.pk])
    assert client_for(champion).post(url).status_code == 404
    assert client_for(colleague).post(url).status_code == 302
    interest.refresh_from_db()
    assert interest.status == Interest.Status.WITHDRAWN


def test_leads_see_pending_requests_others_do_not(client_for, staff, colleague, champion, project):
    Interest.objects.create(project=project, person=colleague, message="Pick me")
    url = reverse("projects:detail", args=[project.pk])
    assert "Pick me" in client_for(staff).get(url).content.decode()
    assert "Pick me" not in client_for(champion).get(url).content.decode()


def test_places_cannot_be_cut_below_the_members_holding_the_role(client_for, staff, project):
    opening = RoleOpeningFactory(project=project, places=3)
    for _ in range(2):
        Membership.objects.create(
            project=project, person=PersonFactory(), role_opening=opening, role_title="Data"
        )
    url = reverse("projects:opening_edit", args=[project.pk, opening.pk])
    data = {"title": "Data", "places": "1", "commitment_period": "week", "is_open": "on"}
    response = client_for(staff).post(url, data)
    assert "2 people already hold this role" in response.content.decode()
    opening.refresh_from_db()
    assert opening.places == 3


def test_join_form_offers_only_roles_with_a_free_place(client_for, colleague, project):
    full = RoleOpeningFactory(project=project, title="Full role", places=1)
    Membership.objects.create(project=project, person=PersonFactory(), role_opening=full)
    RoleOpeningFactory(project=project, title="Free role", places=1)
    html = client_for(colleague).get(join_url(project)).content.decode()
    assert "Free role" in html
    assert "Full role" not in html
