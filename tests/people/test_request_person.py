"""`request.person`: the signed-in Person, set once per request by `PersonMiddleware`."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.access import person_of
from people.middleware import PersonMiddleware
from tests.factories import UserFactory


def _through_middleware(rf, user):
    seen = {}

    def view(request):
        seen["person"] = request.person
        # Code handed the user reads the same Person, from Django's cache on the user.
        seen["again"] = person_of(request.user)
        return HttpResponse()

    request = rf.get("/")
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        PersonMiddleware(view)(request)
    return seen, len(queries)


def test_the_signed_in_person_costs_one_query(rf, staff):
    user = get_user_model().objects.get(pk=staff.user_id)
    seen, queries = _through_middleware(rf, user)
    assert seen == {"person": staff, "again": staff}
    assert queries == 1


def test_anonymous_users_have_no_person_and_no_query(rf, db):
    seen, queries = _through_middleware(rf, AnonymousUser())
    assert seen == {"person": None, "again": None}
    assert queries == 0


def test_an_account_without_a_profile_has_no_person(rf, db):
    seen, queries = _through_middleware(rf, UserFactory(username="bare"))
    assert seen == {"person": None, "again": None}
    assert queries == 1


def test_a_page_gets_the_person_from_the_request(client_for, staff):
    response = client_for(staff).get(reverse("people:me"))
    assert response.wsgi_request.person == staff


def test_an_account_without_a_profile_is_refused_where_a_person_is_needed(client, db):
    client.force_login(UserFactory(username="bare"))
    assert client.get(reverse("recognition:portfolio")).status_code == 403
