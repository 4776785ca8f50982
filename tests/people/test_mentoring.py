import pytest
from django.urls import reverse

from people.models import MentoringPair, MentoringSessionNote, MentorRequest
from people.services import mentor_request_accept
from tests.factories import ChampionAssignmentFactory, PersonFactory
from tests.helpers import race

HOME = reverse("people:mentoring")


@pytest.fixture
def pair(champion, staff):
    return MentoringPair.objects.create(mentor=champion, mentee=staff, goals="Learn PDSA")


def test_staff_asks_and_a_champion_for_the_area_accepts(
    client_for, staff, champion, acute_medicine
):
    client_for(staff).post(
        reverse("people:mentor_request"), {"clinical_area": acute_medicine.pk, "message": "Help"}
    )
    request_ = MentorRequest.objects.get()
    assert "Help" in client_for(champion).get(HOME).content.decode()
    response = client_for(champion).post(
        reverse("people:mentor_request_accept", args=[request_.pk])
    )
    pair = MentoringPair.objects.get()
    assert response["Location"] == reverse("people:mentoring_pair", args=[pair.pk])
    assert (pair.mentor, pair.mentee) == (champion, staff)
    request_.refresh_from_db()
    assert request_.status == "accepted"


def test_asking_twice_is_refused(client_for, staff):
    client = client_for(staff)
    client.post(reverse("people:mentor_request"), {"message": "One"})
    response = client.post(reverse("people:mentor_request"), {"message": "Two"})
    assert "already asked for a mentor" in response.content.decode()
    assert MentorRequest.objects.count() == 1


def test_champion_of_another_area_cannot_accept(
    client_for, staff, surgery, acute_medicine, pharmacy
):
    request_ = MentorRequest.objects.create(mentee=staff, clinical_area=acute_medicine)
    other = PersonFactory(department=pharmacy)
    ChampionAssignmentFactory(person=other, clinical_area=surgery)
    url = reverse("people:mentor_request_accept", args=[request_.pk])
    assert client_for(other).post(url).status_code == 403
    assert client_for(staff).post(url).status_code == 403  # not your own request either
    assert not MentoringPair.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_champions_accepting_at_once_make_one_pair(staff, champion, pharmacy, acute_medicine):
    other = PersonFactory(department=pharmacy)
    ChampionAssignmentFactory(person=other, clinical_area=acute_medicine)
    from common.errors import WorkflowError

    for _ in range(10):
        request_ = MentorRequest.objects.create(mentee=staff, clinical_area=acute_medicine)
        results, errors = race(
            lambda r=request_: mentor_request_accept(request_id=r.pk, mentor=champion),
            lambda r=request_: mentor_request_accept(request_id=r.pk, mentor=other),
            expected=(WorkflowError,),
        )
        assert len(results) == 1
        assert errors == ["This request has already been answered"]
        MentoringPair.objects.filter(ended_on__isnull=True).update(ended_on="2026-01-01")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 200), ("champion", 200), ("manager", 200), ("admin", 200), ("outsider", 403)],
)
def test_session_notes_are_private_to_pair_manager_and_admins(
    db, request, client_for, pair, persona, status
):
    MentoringSessionNote.objects.create(pair=pair, author=pair.mentor, note="Private session")
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("people:mentoring_pair", args=[pair.pk])
    )
    assert response.status_code == status
    if status == 200:
        assert "Private session" in response.content.decode()


def test_a_colleague_cannot_read_the_notes(client_for, pair, pharmacy):
    colleague = PersonFactory(department=pharmacy)
    url = reverse("people:mentoring_pair", args=[pair.pk])
    assert client_for(colleague).get(url).status_code == 403


def test_pair_members_add_notes_managers_only_read(client_for, pair, manager):
    url = reverse("people:mentoring_pair", args=[pair.pk])
    assert (
        client_for(pair.mentee).post(url, {"date": "2026-11-01", "note": "Met"}).status_code == 302
    )
    assert client_for(manager).post(url, {"note": "Manager"}).status_code == 403
    response = client_for(pair.mentor).post(url, {"date": "2999-01-01", "note": "Future"})
    assert "cannot be in the future" in response.content.decode()
    assert pair.notes.count() == 1


def test_ending_the_pairing(client_for, pair):
    client_for(pair.mentor).post(reverse("people:mentoring_pair_end", args=[pair.pk]))
    pair.refresh_from_db()
    assert pair.ended_on is not None


def test_profile_shows_mentoring_given_and_received(client_for, pair, outsider):
    html = (
        client_for(outsider).get(reverse("people:profile", args=[pair.mentee.pk])).content.decode()
    )
    assert "Mentored by Chris Okoro" in html


def test_mentoring_page_query_count(
    client_for, champion, pharmacy, acute_medicine, django_assert_max_num_queries
):
    for _ in range(10):
        mentee = PersonFactory(department=pharmacy)
        MentoringPair.objects.create(mentor=champion, mentee=mentee)
        MentorRequest.objects.create(
            mentee=PersonFactory(department=pharmacy), clinical_area=acute_medicine
        )
    client = client_for(champion)
    # session, user, person, champion areas; as mentor; as mentee; my request; open requests.
    with django_assert_max_num_queries(8):
        client.get(HOME)


def test_requests_stay_within_the_department(client_for, staff, outsider):
    from tests.factories import ClinicalAreaFactory

    request_ = MentorRequest.objects.create(mentee=staff, message="Pharmacy only")
    ChampionAssignmentFactory(
        person=outsider, clinical_area=ClinicalAreaFactory(department=outsider.department)
    )
    assert "Pharmacy only" not in client_for(outsider).get(HOME).content.decode()
    url = reverse("people:mentor_request_accept", args=[request_.pk])
    assert client_for(outsider).post(url).status_code == 403


def test_accepting_someone_you_already_mentor_is_refused(client_for, pair, acute_medicine):
    request_ = MentorRequest.objects.create(mentee=pair.mentee, clinical_area=acute_medicine)
    url = reverse("people:mentor_request_accept", args=[request_.pk])
    response = client_for(pair.mentor).post(url, follow=True)
    assert "You already mentor this person" in response.content.decode()
    assert MentoringPair.objects.count() == 1
