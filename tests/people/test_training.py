import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import Booking, Completion, Course, TrainingSession
from tests.factories import PersonFactory


@pytest.fixture
def induction(db):
    return Course.objects.create(name="QI induction", level="induction", is_induction=True)


@pytest.fixture
def session(induction, champion):
    return TrainingSession.objects.create(
        course=induction,
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="Pharmacy seminar room",
        capacity=2,
        trainer=champion,
    )


def test_induction_is_outstanding_on_me_until_completed(client_for, staff, induction):
    assert (
        "QI induction is outstanding"
        in client_for(staff).get(reverse("people:me")).content.decode()
    )
    Completion.objects.create(person=staff, course=induction)
    assert "outstanding" not in client_for(staff).get(reverse("people:me")).content.decode()


def test_staff_books_and_cancels_a_place(client_for, staff, session):
    client = client_for(staff)
    assert client.post(reverse("people:book", args=[session.pk])).status_code == 302
    assert Booking.objects.filter(session=session, person=staff).exists()
    html = client.get(reverse("people:training")).content.decode()
    assert "1 of 2" in html
    client.post(reverse("people:cancel", args=[session.pk]))
    assert not Booking.objects.exists()


def test_a_full_session_refuses_more_bookings(client_for, staff, session, pharmacy):
    for _ in range(2):
        Booking.objects.create(session=session, person=PersonFactory(department=pharmacy))
    response = client_for(staff).post(reverse("people:book", args=[session.pk]), follow=True)
    assert "This session is full" in response.content.decode()
    assert session.bookings.count() == 2


def test_booking_twice_is_refused(client_for, staff, session):
    client = client_for(staff)
    client.post(reverse("people:book", args=[session.pk]))
    response = client.post(reverse("people:book", args=[session.pk]), follow=True)
    assert "already booked" in response.content.decode()


def test_trainer_marks_attendance_which_completes_the_course(client_for, champion, staff, session):
    Booking.objects.create(session=session, person=staff)
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    url = reverse("people:attendance", args=[session.pk])
    assert client_for(champion).post(url, {"attended": [staff.pk]}).status_code == 302
    assert Completion.objects.get(person=staff).course == session.course
    assert session.bookings.get().attended is True


@pytest.mark.parametrize("persona", ["staff", "manager", "outsider"])
def test_only_the_trainer_or_an_admin_marks_attendance(db, request, client_for, session, persona):
    url = reverse("people:attendance", args=[session.pk])
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url).status_code == 403
    assert client.post(url, {"attended": ["1"]}).status_code == 403
    assert not Completion.objects.exists()


def test_attendance_waits_for_the_session_to_start(client_for, champion, staff, session):
    Booking.objects.create(session=session, person=staff)
    url = reverse("people:attendance", args=[session.pk])
    assert client_for(champion).post(url, {"attended": [staff.pk]}).status_code == 403
    assert not Completion.objects.exists()


def test_unticking_attendance_withdraws_the_completion(client_for, champion, staff, session):
    Booking.objects.create(session=session, person=staff)
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    url = reverse("people:attendance", args=[session.pk])
    client_for(champion).post(url, {"attended": [staff.pk]})
    assert Completion.objects.filter(person=staff).exists()
    client_for(champion).post(url, {})
    assert not Completion.objects.filter(person=staff).exists()


def test_the_trainer_cannot_book_their_own_session(client_for, champion, session):
    response = client_for(champion).post(reverse("people:book", args=[session.pk]), follow=True)
    assert "You are the trainer" in response.content.decode()
    assert not session.bookings.exists()


def test_the_admin_cannot_overbook_a_session(client_for, admin, session, pharmacy):
    people = [PersonFactory(department=pharmacy) for _ in range(3)]
    url = reverse("admin:people_trainingsession_change", args=[session.pk])
    local = timezone.localtime(session.starts_at)
    data = {
        "course": session.course.pk,
        "starts_at_0": local.strftime("%Y-%m-%d"),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "place": session.place,
        "capacity": "2",
        "trainer": session.trainer.pk,
        "bookings-TOTAL_FORMS": "3",
        "bookings-INITIAL_FORMS": "0",
        "bookings-MIN_NUM_FORMS": "0",
        "bookings-MAX_NUM_FORMS": "1000",
    }
    for n, person in enumerate(people):
        data[f"bookings-{n}-person"] = person.pk
        data[f"bookings-{n}-booked_at_0"] = local.strftime("%Y-%m-%d")
        data[f"bookings-{n}-booked_at_1"] = "09:00:00"
    response = client_for(admin).post(url, data)
    assert "the session would be overbooked" in response.content.decode()
    assert not session.bookings.exists()
