"""Showcase slots at clinical updates: sessions, booking, confirming, and the calendar feed."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from common.errors import WorkflowError
from projects.models import Membership, Project
from recognition.models import CalendarFeed, ShowcaseSession, ShowcaseSlot, token_digest
from recognition.services import showcase as services
from tests.factories import (
    ChampionAssignmentFactory,
    ClinicalAreaFactory,
    PersonFactory,
    ProjectFactory,
    ShowcaseSessionFactory,
    ShowcaseSlotFactory,
)

PERSONAS_BUILT_ONCE = ("staff", "champion", "manager", "admin", "outsider", "project")

LIST = reverse("recognition:showcase")
CREATE = reverse("recognition:showcase_session_create")
CALENDAR = reverse("recognition:showcase_calendar")
NEW_LINK = reverse("recognition:showcase_calendar_link")
STOP_LINK = reverse("recognition:showcase_calendar_link_stop")


def local(days: int, hour: int = 13, minute: int = 0) -> dt.datetime:
    """An aware datetime `days` from today at a local clock time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def session_url(name: str, session, *args) -> str:
    return reverse(f"recognition:{name}", args=[session.pk, *args])


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def session(pharmacy):
    """Three 10-minute slots at 13:00 in two weeks' time."""
    return ShowcaseSessionFactory(
        department=pharmacy, title="Spring clinical update", starts_at=local(14), slot_count=3
    )


@pytest.fixture
def member(pharmacy, project):
    person = PersonFactory(department=pharmacy, display_name="Mo Member")
    Membership.objects.create(project=project, person=person, role_title="Data collector")
    return person


@pytest.fixture
def co_lead(pharmacy, project):
    person = PersonFactory(department=pharmacy, display_name="Cora Colead")
    project.co_leads.add(person)
    return person


@pytest.fixture
def booked(session, project, staff):
    """`project` (led by `staff`) booked into slot 2 of `session`."""
    return ShowcaseSlotFactory(session=session, position=2, project=project, presenters=[staff])


def other_project(pharmacy, acute_medicine, **kwargs) -> Project:
    return ProjectFactory(
        lead=PersonFactory(department=pharmacy), clinical_areas=[acute_medicine], **kwargs
    )


def session_data(**changes) -> dict:
    day = timezone.localdate() + dt.timedelta(days=21)
    return {
        "title": "Summer clinical update",
        "date": day.isoformat(),
        "start_time": "13:30",
        "place": "Pharmacy seminar room",
        "slot_count": "4",
        "slot_minutes": "10",
        "notes": "",
        "version": 1,  # what an edit page opened on a session never edited carries
        **changes,
    }


# Who may see what.


def all_urls(session, slot) -> list[tuple[str, str]]:
    return [
        ("get", LIST),
        ("get", CREATE),
        ("get", session_url("showcase_session", session)),
        ("get", session_url("showcase_session_edit", session)),
        ("get", session_url("showcase_book", session)),
        ("post", session_url("showcase_slot_confirm", session, slot.pk)),
        ("get", session_url("showcase_slot_cancel", session, slot.pk)),
        ("post", session_url("showcase_slot_cancel", session, slot.pk)),
        ("get", session_url("showcase_session_cancel", session)),
        ("post", session_url("showcase_session_cancel", session)),
        ("get", CALENDAR),
        ("post", NEW_LINK),
        ("post", STOP_LINK),
    ]


def test_anonymous_users_are_sent_to_login_from_every_showcase_page(client, booked):
    for method, url in all_urls(booked.session, booked):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url
    assert ShowcaseSlot.objects.get() == booked


@pytest.mark.parametrize("persona", ["staff", "champion", "manager", "admin"])
def test_the_department_sees_the_list_and_each_session(db, request, client_for, booked, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in (LIST, session_url("showcase_session", booked.session)):
        response = client.get(url)
        assert response.status_code == 200
        assert "Spring clinical update" in html_of(response)
        assert booked.project.title in html_of(response)


def test_outsider_cannot_see_or_act_on_another_departments_sessions(client_for, outsider, booked):
    ChampionAssignmentFactory(
        person=outsider, clinical_area=ClinicalAreaFactory(department=outsider.department)
    )
    client = client_for(outsider)
    assert "Spring clinical update" not in html_of(client.get(LIST))
    for method, url in all_urls(booked.session, booked)[2:10]:
        assert getattr(client, method)(url).status_code == 404, url
    assert ShowcaseSlot.objects.get().status == "booked"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 403), ("manager", 403), ("outsider", 403), ("champion", 200), ("admin", 200)],
)
def test_only_champions_and_admins_add_sessions(db, request, client_for, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(CREATE).status_code == status
    response = client.post(CREATE, session_data())
    assert response.status_code == (302 if status == 200 else 403)
    assert ShowcaseSession.objects.exists() is (status == 200)


@pytest.mark.parametrize(
    ("persona", "status"), [("staff", 403), ("manager", 403), ("champion", 200), ("admin", 200)]
)
def test_only_champions_and_admins_edit_sessions(db, request, client_for, session, persona, status):
    client = client_for(request.getfixturevalue(persona))
    url = session_url("showcase_session_edit", session)
    assert client.get(url).status_code == status
    client.post(url, session_data(place="Lecture theatre"))
    session.refresh_from_db()
    assert (session.place == "Lecture theatre") is (status == 200)


def test_a_champion_of_another_department_adds_sessions_to_their_own(client_for, outsider):
    ChampionAssignmentFactory(
        person=outsider, clinical_area=ClinicalAreaFactory(department=outsider.department)
    )
    client_for(outsider).post(CREATE, session_data())
    assert ShowcaseSession.objects.get().department == outsider.department


# Setting up sessions.


def test_champion_adds_a_session_in_local_time(client_for, champion, pharmacy):
    response = client_for(champion).post(CREATE, session_data(notes="Bring slides on a stick."))
    session = ShowcaseSession.objects.get()
    assert response["Location"] == session_url("showcase_session", session)
    assert session.starts_at == local(21, 13, 30)
    assert (session.department, session.created_by) == (pharmacy, champion)
    assert (session.title, session.slot_count, session.slot_minutes) == (
        "Summer clinical update",
        4,
        10,
    )
    assert session.ends_at == local(21, 14, 10)


def test_session_form_errors_sit_next_to_their_fields_and_in_the_summary(client_for, champion):
    response = client_for(champion).post(
        CREATE, session_data(title="", date="", start_time="25:00", place="", slot_count="30")
    )
    html = html_of(response)
    assert response.status_code == 200
    assert "There is a problem" in html
    for message in [
        "Enter a title",
        "Enter the date",
        "Enter the start time like 13:30",
        "Enter where the session is",
        "The number of slots must be between 1 and 20",
    ]:
        assert html.count(message) == 2, message  # in the summary and next to the field
    assert not ShowcaseSession.objects.exists()


def test_a_session_cannot_be_set_in_the_past(client_for, champion):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client_for(champion).post(CREATE, session_data(date=yesterday))
    assert "The session must start in the future" in html_of(response)
    assert not ShowcaseSession.objects.exists()


def test_a_session_cannot_shrink_below_its_booked_positions(client_for, champion, booked):
    session = booked.session
    url = session_url("showcase_session_edit", session)
    response = client_for(champion).post(url, session_data(slot_count="1"))
    assert response.status_code == 200
    assert "Slot 2 is booked, so the session needs at least 2 slots" in html_of(response)
    session.refresh_from_db()
    assert (session.slot_count, session.title) == (3, "Spring clinical update")
    assert client_for(champion).post(url, session_data(slot_count="2")).status_code == 302
    session.refresh_from_db()
    assert session.slot_count == 2


def test_the_shrink_check_is_repeated_under_the_lock(champion, booked):
    """A booking made while the edit form was open still stops the session shrinking."""
    from recognition.forms.showcase import ShowcaseSessionForm

    session = booked.session
    ShowcaseSlot.objects.filter(pk=booked.pk).delete()
    form = ShowcaseSessionForm(session_data(slot_count="1"), instance=session)
    assert form.is_valid()
    ShowcaseSlotFactory(session=session, position=3, project=booked.project)
    with pytest.raises(WorkflowError, match="Slot 3 is booked"):
        services.session_update(form=form)
    session.refresh_from_db()
    assert session.slot_count == 3


def test_editing_the_place_of_a_past_session_keeps_its_start(client_for, admin, pharmacy):
    started = timezone.now() - dt.timedelta(days=3, seconds=17)
    session = ShowcaseSessionFactory(department=pharmacy, starts_at=started)
    local_start = timezone.localtime(started)
    data = session_data(
        date=local_start.date().isoformat(),
        start_time=local_start.strftime("%H:%M"),
        slot_count="3",
        place="Lecture theatre",
    )
    response = client_for(admin).post(session_url("showcase_session_edit", session), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.place, session.starts_at) == ("Lecture theatre", started)


# Booking.


def test_lead_books_the_first_free_slot_with_presenters_from_the_team(
    client_for, staff, member, project, session
):
    url = session_url("showcase_book", session)
    client = client_for(staff)
    html = html_of(client.get(url))  # one project: straight to the presenters
    assert "Mo Member" in html
    assert "Slot 2 at 13:10" in html
    response = client.post(f"{url}?project={project.pk}", {"presenters": [staff.pk, member.pk]})
    assert response["Location"] == session_url("showcase_session", session)
    slot = ShowcaseSlot.objects.get()
    assert (slot.session, slot.position, slot.project, slot.booked_by, slot.status) == (
        session,
        1,
        project,
        staff,
        "booked",
    )
    assert set(slot.presenters.all()) == {staff, member}
    page = html_of(client.get(session_url("showcase_session", session)))
    assert "Slot 1 at 13:00 booked for" in page
    assert "Booked, awaiting confirmation" in page


def test_a_lead_of_several_projects_chooses_which_one_first(
    client_for, staff, project, session, acute_medicine
):
    second = ProjectFactory(lead=staff, title="Second project", clinical_areas=[acute_medicine])
    url = session_url("showcase_book", session)
    client = client_for(staff)
    html = html_of(client.get(url))
    assert 'type="radio"' in html
    assert "Second project" in html
    assert "Who will present?" not in html
    html = html_of(client.get(url, {"project": second.pk}))
    assert "Who will present?" in html
    client.post(f"{url}?project={second.pk}", {"presenters": [staff.pk], "position": "3"})
    assert ShowcaseSlot.objects.get().project == second
    assert ShowcaseSlot.objects.get().position == 3


def test_a_co_lead_books_for_the_project(client_for, co_lead, project, session):
    url = session_url("showcase_book", session)
    client_for(co_lead).post(f"{url}?project={project.pk}", {"presenters": [co_lead.pk]})
    assert ShowcaseSlot.objects.get().booked_by == co_lead


def test_choosing_someone_elses_project_is_refused(
    client_for, staff, project, session, pharmacy, acute_medicine
):
    theirs = other_project(pharmacy, acute_medicine)
    url = session_url("showcase_book", session)
    response = client_for(staff).post(f"{url}?project={theirs.pk}", {"presenters": [staff.pk]})
    assert "Choose one of your projects" in html_of(response)
    assert not ShowcaseSlot.objects.exists()


def test_presenters_must_be_on_the_projects_team(client_for, staff, manager, project, session):
    url = session_url("showcase_book", session)
    response = client_for(staff).post(f"{url}?project={project.pk}", {"presenters": [manager.pk]})
    html = html_of(response)
    assert "There is a problem" in html
    assert "Presenters must be on the project&#x27;s team" in html
    assert not ShowcaseSlot.objects.exists()


def test_the_same_project_cannot_take_two_slots_in_a_session(client_for, staff, project, booked):
    url = session_url("showcase_book", booked.session)
    response = client_for(staff).post(f"{url}?project={project.pk}", {"presenters": [staff.pk]})
    assert "This project already has a slot in this session" in html_of(response)
    assert ShowcaseSlot.objects.count() == 1


def test_a_taken_slot_cannot_be_chosen(
    client_for, staff, project, booked, pharmacy, acute_medicine
):
    mine = ProjectFactory(lead=staff, title="Second project", clinical_areas=[acute_medicine])
    url = session_url("showcase_book", booked.session)
    response = client_for(staff).post(
        f"{url}?project={mine.pk}", {"presenters": [staff.pk], "position": "2"}
    )
    assert "That slot is no longer free; choose another" in html_of(response)
    assert ShowcaseSlot.objects.count() == 1


def test_a_full_session_takes_no_more_bookings(
    client_for, staff, project, session, pharmacy, acute_medicine
):
    for position in (1, 2, 3):
        ShowcaseSlotFactory(
            session=session, position=position, project=other_project(pharmacy, acute_medicine)
        )
    url = session_url("showcase_book", session)
    assert "This session is full" in html_of(client_for(staff).get(url))
    client_for(staff).post(f"{url}?project={project.pk}", {"presenters": [staff.pk]})
    assert not ShowcaseSlot.objects.filter(project=project).exists()


def test_booking_after_the_session_started_is_refused(client_for, staff, project, pharmacy):
    session = ShowcaseSessionFactory(
        department=pharmacy, starts_at=timezone.now() - dt.timedelta(minutes=5)
    )
    url = session_url("showcase_book", session)
    assert "This session has already started" in html_of(client_for(staff).get(url))
    client_for(staff).post(f"{url}?project={project.pk}", {"presenters": [staff.pk]})
    assert not ShowcaseSlot.objects.exists()


# '²' passes str.isdigit() but not int(); '٣' passes int() but is no id of ours.
ODD_NUMBERS = ["²", "٣", "-1", "1.5", "x"]


@pytest.mark.parametrize("position", ODD_NUMBERS)
def test_an_odd_preferred_slot_in_the_booking_link_is_ignored(
    client_for, staff, project, session, position
):
    url = session_url("showcase_book", session)
    response = client_for(staff).get(url, {"project": project.pk, "position": position})
    assert response.status_code == 200
    html = html_of(response)
    assert "Who will present?" in html
    assert '<option value="" selected>The first free slot (13:00)</option>' in html


@pytest.mark.parametrize("position", ODD_NUMBERS)
def test_an_odd_preferred_slot_is_not_carried_through_choosing_the_project(
    client_for, staff, project, session, acute_medicine, position
):
    ProjectFactory(lead=staff, title="Second project", clinical_areas=[acute_medicine])
    response = client_for(staff).get(session_url("showcase_book", session), {"position": position})
    assert response.status_code == 200
    assert 'name="position"' not in html_of(response)


def test_a_preferred_slot_in_the_booking_link_is_kept(client_for, staff, project, session):
    url = session_url("showcase_book", session)
    html = html_of(client_for(staff).get(url, {"project": project.pk, "position": "3"}))
    assert '<option value="3" selected>' in html


@pytest.mark.parametrize("page", ODD_NUMBERS)
def test_an_odd_page_number_shows_the_first_page(client_for, staff, pharmacy, page):
    ShowcaseSessionFactory(department=pharmacy, title="Last month", starts_at=local(-30))
    response = client_for(staff).get(LIST, {"page": page})
    assert response.status_code == 200
    assert "Last month" in html_of(response)


@pytest.mark.parametrize("persona", ["champion", "manager", "admin"])
def test_only_leads_and_co_leads_book(db, request, client_for, project, session, persona):
    client = client_for(request.getfixturevalue(persona))
    url = session_url("showcase_book", session)
    assert client.get(url).status_code == 403
    assert (
        client.post(f"{url}?project={project.pk}", {"presenters": [project.lead_id]}).status_code
        == 403
    )
    assert not ShowcaseSlot.objects.exists()


@pytest.mark.parametrize("change", ["draft", "closed"])
def test_draft_and_closed_projects_cannot_book(client_for, staff, project, session, change):
    if change == "draft":
        Project.objects.filter(pk=project.pk).update(submitted_at=None, reference=None)
    else:
        Project.objects.filter(pk=project.pk).update(stage=Project.Stage.CLOSED)
    url = session_url("showcase_book", session)
    assert client_for(staff).get(url).status_code == 403
    assert (
        client_for(staff)
        .post(f"{url}?project={project.pk}", {"presenters": [staff.pk]})
        .status_code
        == 403
    )
    assert not ShowcaseSlot.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("slot 2", "Slot 2 has just been taken; choose another"),
        ("slot 9", "This session has no slot 9"),
        ("no presenters", "Choose at least one presenter"),
        ("booked by the manager", "Only the project's lead or a co-lead can book a slot for it"),
        ("manager presents", "Presenters must be on the project's team"),
    ],
)
def test_the_booking_service_refuses_with_a_clear_message(
    manager, staff, booked, acute_medicine, change, message
):
    arguments = {
        "session_id": booked.session_id,
        "project": ProjectFactory(lead=staff, clinical_areas=[acute_medicine]),
        "presenters": [staff],
        "booked_by": staff,
        "position": None,
    }
    arguments.update(
        {
            "slot 2": {"position": 2},
            "slot 9": {"position": 9},
            "no presenters": {"presenters": []},
            "booked by the manager": {"booked_by": manager},
            "manager presents": {"presenters": [staff, manager]},
        }[change]
    )
    with pytest.raises(WorkflowError, match=re.escape(message)):
        services.slot_book(**arguments)
    assert ShowcaseSlot.objects.count() == 1


def test_the_booking_service_keeps_projects_to_their_department(outsider, session):
    theirs = ProjectFactory(lead=outsider)
    with pytest.raises(WorkflowError, match="another department"):
        services.slot_book(
            session_id=session.pk, project=theirs, presenters=[outsider], booked_by=outsider
        )


def test_the_database_never_holds_a_position_or_a_project_twice(booked, pharmacy, acute_medicine):
    with pytest.raises(IntegrityError), transaction.atomic():
        ShowcaseSlotFactory(
            session=booked.session, position=2, project=other_project(pharmacy, acute_medicine)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ShowcaseSlotFactory(session=booked.session, position=3, project=booked.project)
    assert ShowcaseSlot.objects.count() == 1


# Confirming and cancelling.


def test_a_champion_confirms_a_booked_slot(client_for, champion, booked):
    url = session_url("showcase_slot_confirm", booked.session, booked.pk)
    response = client_for(champion).post(url)
    assert response["Location"] == session_url("showcase_session", booked.session)
    booked.refresh_from_db()
    assert (booked.status, booked.confirmed_by) == ("confirmed", champion)
    assert booked.confirmed_at is not None
    page = html_of(client_for(champion).get(session_url("showcase_session", booked.session)))
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Confirmed</strong>' in page
    response = client_for(champion).post(url, follow=True)
    assert "This slot is already confirmed" in html_of(response)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 403), ("manager", 403), ("outsider", 404), ("champion", 302), ("admin", 302)],
)
def test_only_the_departments_champions_and_admins_confirm(
    db, request, client_for, booked, persona, status
):
    client = client_for(request.getfixturevalue(persona))
    url = session_url("showcase_slot_confirm", booked.session, booked.pk)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == status
    booked.refresh_from_db()
    assert (booked.status == "confirmed") is (status == 302)


def test_a_champion_cannot_confirm_their_own_projects_slot(
    client_for, champion, session, acute_medicine
):
    own = ProjectFactory(lead=champion, clinical_areas=[acute_medicine])
    slot = ShowcaseSlotFactory(session=session, position=1, project=own)
    page = html_of(client_for(champion).get(session_url("showcase_session", session)))
    assert "Confirm<span" not in page
    url = session_url("showcase_slot_confirm", session, slot.pk)
    assert client_for(champion).post(url).status_code == 403
    slot.refresh_from_db()
    assert slot.status == "booked"


@pytest.mark.parametrize("tie", ["co-lead", "member", "presenter"])
def test_a_champion_on_the_team_or_presenting_cannot_confirm_the_slot(
    client_for, champion, booked, tie
):
    if tie == "co-lead":
        booked.project.co_leads.add(champion)
    elif tie == "member":
        Membership.objects.create(project=booked.project, person=champion, role_title="Analyst")
    else:  # presenting without being on the team, e.g. having left it since the booking
        booked.presenters.add(champion)
    client = client_for(champion)
    page = html_of(client.get(session_url("showcase_session", booked.session)))
    assert "Confirm<span" not in page
    assert (
        client.post(session_url("showcase_slot_confirm", booked.session, booked.pk)).status_code
        == 403
    )
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_a_champion_who_has_left_the_team_and_does_not_present_may_confirm(
    client_for, champion, booked
):
    Membership.objects.create(
        project=booked.project,
        person=champion,
        role_title="Analyst",
        left_on=timezone.localdate() - dt.timedelta(days=30),
    )
    url = session_url("showcase_slot_confirm", booked.session, booked.pk)
    assert client_for(champion).post(url).status_code == 302
    booked.refresh_from_db()
    assert booked.status == "confirmed"


@pytest.mark.parametrize("tie", ["lead", "member", "presenter"])
def test_the_confirm_service_refuses_anyone_with_a_part_in_the_slot(staff, champion, booked, tie):
    person = {"lead": staff, "member": champion, "presenter": champion}[tie]
    if tie == "member":
        Membership.objects.create(project=booked.project, person=champion, role_title="Analyst")
    elif tie == "presenter":
        booked.presenters.add(champion)
    with pytest.raises(WorkflowError, match="ask another champion"):
        services.slot_confirm(slot_id=booked.pk, champion=person)
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_the_lead_cancels_after_a_confirmation_page_and_history_keeps_the_booking(
    client_for, staff, booked
):
    url = session_url("showcase_slot_cancel", booked.session, booked.pk)
    page = html_of(client_for(staff).get(url))
    assert "Cancel the booking of slot 2?" in page
    assert booked.project.title in page
    assert ShowcaseSlot.objects.exists()
    response = client_for(staff).post(url, follow=True)
    assert "Slot 2 cancelled" in html_of(response)
    assert not ShowcaseSlot.objects.exists()
    deleted = ShowcaseSlot.history.get(history_type="-")
    assert (deleted.project_id, deleted.position, deleted.history_user) == (
        booked.project_id,
        2,
        staff.user,
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("member", 403),
        ("manager", 403),
        ("outsider", 404),
        ("co_lead", 302),
        ("champion", 302),
        ("admin", 302),
    ],
)
def test_the_projects_leads_champions_and_admins_cancel(
    db, request, client_for, booked, persona, status
):
    client = client_for(request.getfixturevalue(persona))
    url = session_url("showcase_slot_cancel", booked.session, booked.pk)
    assert client.get(url).status_code == (200 if status == 302 else status)
    assert client.post(url).status_code == status
    assert ShowcaseSlot.objects.exists() is (status != 302)


def test_a_booking_stays_once_its_session_has_started(client_for, staff, champion, booked):
    ShowcaseSession.objects.filter(pk=booked.session_id).update(
        starts_at=timezone.now() - dt.timedelta(minutes=1)
    )
    url = session_url("showcase_slot_cancel", booked.session, booked.pk)
    response = client_for(champion).post(url, follow=True)
    assert "This session has already started, so the booking stays on record" in html_of(response)
    assert ShowcaseSlot.objects.exists()


def draft_slot(session, staff, acute_medicine) -> ShowcaseSlot:
    """A slot of a project that has gone back to draft, presented by `staff`."""
    draft = ProjectFactory(
        lead=staff, draft=True, title="Secret draft", clinical_areas=[acute_medicine]
    )
    return ShowcaseSlotFactory(session=session, position=1, project=draft, presenters=[staff])


@pytest.mark.parametrize("page", ["showcase_slot_cancel", "showcase_session_cancel"])
def test_cancel_pages_show_a_draft_projects_slot_as_reserved_like_the_others(
    client_for, champion, staff, session, acute_medicine, page
):
    slot = draft_slot(session, staff, acute_medicine)
    args = [slot.pk] if page == "showcase_slot_cancel" else []
    html = html_of(client_for(champion).get(session_url(page, session, *args)))
    assert "Reserved" in html
    assert "Secret draft" not in html
    assert "Sam Taylor" not in html  # the presenter


# Cancelling a session.


@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 403), ("manager", 403), ("outsider", 404), ("champion", 302), ("admin", 302)],
)
def test_only_the_departments_champions_and_admins_cancel_sessions(
    db, request, client_for, booked, persona, status
):
    client = client_for(request.getfixturevalue(persona))
    url = session_url("showcase_session_cancel", booked.session)
    assert client.get(url).status_code == (200 if status == 302 else status)
    assert client.post(url).status_code == status
    assert ShowcaseSession.objects.exists() is (status != 302)
    assert ShowcaseSlot.objects.exists() is (status != 302)


def test_anonymous_users_are_sent_to_login_from_cancelling_a_session(client, session):
    url = session_url("showcase_session_cancel", session)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
    assert ShowcaseSession.objects.exists()


def test_the_session_page_offers_cancelling_to_champions_only(client_for, champion, staff, session):
    url = session_url("showcase_session_cancel", session)
    assert url in html_of(client_for(champion).get(session_url("showcase_session", session)))
    assert url not in html_of(client_for(staff).get(session_url("showcase_session", session)))


def test_cancelling_a_session_lists_its_bookings_then_emails_each_projects_leads(
    client_for,
    champion,
    staff,
    co_lead,
    booked,
    pharmacy,
    acute_medicine,
    django_capture_on_commit_callbacks,
):
    falls = other_project(pharmacy, acute_medicine, title="Falls prevention")
    ShowcaseSlotFactory(session=booked.session, position=3, project=falls)
    url = session_url("showcase_session_cancel", booked.session)
    client = client_for(champion)
    page = html_of(client.get(url))
    assert "Cancel this session?" in page
    assert "2 slots are booked" in page
    for text in [booked.project.title, "Sam Taylor", "13:10", "Falls prevention", "13:20"]:
        assert text in page
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "The leads of its 2 booked projects have been told by email" in html_of(response)
    assert not ShowcaseSession.objects.exists()
    assert not ShowcaseSlot.objects.exists()
    emails = {frozenset(email.to): email for email in mail.outbox}
    assert set(emails) == {frozenset({staff.email, co_lead.email}), frozenset({falls.lead.email})}
    ours = emails[frozenset({staff.email, co_lead.email})]
    assert ours.subject.startswith("QI Register: Spring clinical update on ")
    assert ours.subject.endswith(" is cancelled")
    for text in [booked.project.reference, "slot 2 at 13:10", "cancelled by Chris Okoro"]:
        assert text in ours.body
    assert f'href="{settings.QIREGISTER_BASE_URL}{LIST}"' in ours.alternatives[0][0]
    assert "Falls prevention" in emails[frozenset({falls.lead.email})].body


def test_cancelling_an_empty_session_emails_nobody(
    client_for, champion, session, django_capture_on_commit_callbacks
):
    url = session_url("showcase_session_cancel", session)
    assert "No slots are booked" in html_of(client_for(champion).get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(champion).post(url, follow=True)
    html = html_of(response)
    assert "cancelled." in html
    assert "told by email" not in html
    assert not ShowcaseSession.objects.exists()
    assert not mail.outbox


def test_a_cancelled_session_and_its_bookings_stay_in_history(client_for, champion, booked):
    client_for(champion).post(session_url("showcase_session_cancel", booked.session))
    session = ShowcaseSession.history.get(history_type="-")
    assert (session.id, session.title, session.history_user) == (
        booked.session_id,
        "Spring clinical update",
        champion.user,
    )
    slot = ShowcaseSlot.history.get(history_type="-")
    assert (slot.id, slot.project_id, slot.position, slot.history_user) == (
        booked.pk,
        booked.project_id,
        2,
        champion.user,
    )


def test_a_session_that_has_started_cannot_be_cancelled(
    client_for, champion, booked, django_capture_on_commit_callbacks
):
    ShowcaseSession.objects.filter(pk=booked.session_id).update(
        starts_at=timezone.now() - dt.timedelta(minutes=1)
    )
    url = session_url("showcase_session_cancel", booked.session)
    client = client_for(champion)
    page = html_of(client.get(url))
    assert "This session cannot be cancelled" in page
    assert "Yes, cancel the session" not in page
    assert url not in html_of(client.get(session_url("showcase_session", booked.session)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.redirect_chain == [(session_url("showcase_session", booked.session), 302)]
    assert "This session has already started, so it stays on record" in html_of(response)
    assert ShowcaseSlot.objects.get() == booked
    assert not mail.outbox


@pytest.mark.parametrize("count", [1, 15])
def test_cancel_session_page_query_count_does_not_grow_with_slots(
    client_for, champion, pharmacy, acute_medicine, count, django_assert_max_num_queries
):
    session = ShowcaseSessionFactory(department=pharmacy, slot_count=20)
    for position in range(1, count + 1):
        ShowcaseSlotFactory(
            session=session, position=position, project=other_project(pharmacy, acute_medicine)
        )
    client = client_for(champion)
    # session, user, person; the session, its slots with projects, presenters; champion areas.
    # +1: may the viewer see every department (the trust QI team's permission).
    with django_assert_max_num_queries(8):
        assert client.get(session_url("showcase_session_cancel", session)).status_code == 200


# The list and session pages.


def test_list_shows_upcoming_soonest_first_then_past_latest_first(
    client_for, staff, pharmacy, booked
):
    ShowcaseSessionFactory(department=pharmacy, title="Later update", starts_at=local(40))
    ShowcaseSessionFactory(department=pharmacy, title="Last month", starts_at=local(-30))
    ShowcaseSessionFactory(department=pharmacy, title="Last year", starts_at=local(-300))
    html = html_of(client_for(staff).get(LIST))
    titles = re.findall(r"(Spring clinical update|Later update|Last month|Last year),", html)
    assert titles == ["Spring clinical update", "Later update", "Last month", "Last year"]
    assert html.index('id="upcoming"') < html.index("Spring clinical update")
    assert html.index('id="past"') < html.index("Last month")
    # The booked slot: its time, the project linked, presenters, status and what is free.
    assert "13:10" in html
    assert f'href="{booked.project.get_absolute_url()}"' in html
    assert "Sam Taylor" in html
    assert "Booked, awaiting confirmation" in html
    assert "<strong>2 free</strong>" in html


def test_past_sessions_are_paged(client_for, staff, pharmacy):
    for n in range(12):
        ShowcaseSessionFactory(department=pharmacy, title=f"Update {n:02}", starts_at=local(-n - 1))
    client = client_for(staff)
    first = html_of(client.get(LIST))
    for n in range(10):
        assert f"Update {n:02}" in first
    assert "Update 10" not in first
    second = html_of(client.get(LIST, {"page": 2}))
    assert re.findall(r"Update \d\d", second) == ["Update 10", "Update 11"]


@pytest.mark.parametrize("count", [1, 12])
def test_list_query_count_does_not_grow_with_sessions(
    client_for, staff, pharmacy, acute_medicine, count, django_assert_max_num_queries
):
    for n in range(count):
        for days in (7 + n, -7 - n):
            session = ShowcaseSessionFactory(department=pharmacy, starts_at=local(days))
            ShowcaseSlotFactory(
                session=session, position=1, project=other_project(pharmacy, acute_medicine)
            )
    client = client_for(staff)
    # session, user, person; upcoming sessions, their slots with projects, their presenters;
    # past count, past page, its slots, their presenters; champion areas (may manage);
    # may book; my calendar link.
    # +1 may the viewer see every department, +1 the department (its name heads
    # the page).
    with django_assert_max_num_queries(15):
        assert client.get(LIST).status_code == 200


def test_session_page_lists_every_position_free_or_taken(client_for, champion, booked):
    html = html_of(client_for(champion).get(session_url("showcase_session", booked.session)))
    rows = re.findall(r'<th scope="row" class="nhsuk-table__header">(\d)</th>', html)
    assert rows == ["1", "2", "3"]
    assert html.count(">Free</td>") == 2
    assert "13:20" in html
    assert "Confirm<span" in html
    assert session_url("showcase_slot_cancel", booked.session, booked.pk) in html


@pytest.mark.parametrize("count", [1, 15])
def test_session_page_query_count_does_not_grow_with_slots(
    client_for, staff, pharmacy, acute_medicine, count, django_assert_max_num_queries
):
    session = ShowcaseSessionFactory(department=pharmacy, slot_count=20)
    for position in range(1, count + 1):
        ShowcaseSlotFactory(
            session=session, position=position, project=other_project(pharmacy, acute_medicine)
        )
    client = client_for(staff)
    # session, user, person; the session, its slots with projects, presenters; projects I
    # lead among them; champion areas (may manage); may book.
    # +1: may the viewer see every department (the trust QI team's permission).
    with django_assert_max_num_queries(10):
        assert client.get(session_url("showcase_session", session)).status_code == 200


# The project page's Showcase section.


def test_project_page_lists_the_projects_slots_and_links_to_book(
    client_for, staff, project, booked, pharmacy
):
    past = ShowcaseSessionFactory(department=pharmacy, title="Winter update", starts_at=local(-60))
    ShowcaseSlotFactory(session=past, position=1, project=project, status="confirmed")
    later = ShowcaseSessionFactory(department=pharmacy, title="Later update", starts_at=local(30))
    html = html_of(client_for(staff).get(project.get_absolute_url()))
    section = html[html.index('id="showcase"') : html.index('id="progress"')]
    for text in ["Spring clinical update", "Winter update", "(past)", "Confirmed", "Sam Taylor"]:
        assert text in section
    # The project is booked into the next session already, so the link offers the one after.
    assert f"{session_url('showcase_book', later)}?project={project.pk}" in section


def test_project_page_showcase_is_for_the_department(client_for, outsider, manager, booked):
    url = booked.project.get_absolute_url()
    assert 'id="showcase"' not in html_of(client_for(outsider).get(url))
    html = html_of(client_for(manager).get(url))
    assert 'id="showcase"' in html
    assert "Book a slot for the team" not in html


# The calendar feed.


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_calendar_feed_is_valid_icalendar_with_one_event_per_session(
    client_for, staff, member, booked, pharmacy, acute_medicine, outsider
):
    booked.presenters.add(member)
    draft = ProjectFactory(
        lead=staff, draft=True, title="Secret draft", clinical_areas=[acute_medicine]
    )
    ShowcaseSlotFactory(session=booked.session, position=3, project=draft)
    ShowcaseSessionFactory(department=outsider.department, title="Nursing update")
    ShowcaseSessionFactory(department=pharmacy, title="Long ago", starts_at=local(-400))
    calendar = parse(client_for(staff).get(CALENDAR))
    assert str(calendar["VERSION"]) == "2.0"
    assert "QI Register" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "QI showcases – Pharmacy"
    (event,) = calendar.walk("VEVENT")
    session = booked.session
    host = urlsplit(settings.QIREGISTER_BASE_URL).hostname
    assert str(event["UID"]) == f"showcase-{session.pk}@{host}"
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert event["DTSTART"].to_ical().endswith(b"Z")
    assert event.decoded("DTEND") == session.ends_at
    assert "Spring clinical update" in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "Pharmacy seminar room"
    assert event.decoded("DTSTAMP") is not None
    description = str(event["DESCRIPTION"])
    assert "13:00 Free slot" in description
    assert f"13:10 {booked.project.reference}: {booked.project.title}" in description
    assert "Presenting: Mo Member, Sam Taylor" in description
    assert "13:20 Reserved" in description
    assert "Secret draft" not in response_text(client_for(staff).get(CALENDAR))


def response_text(response) -> str:
    return response.content.decode()


def test_calendar_sequence_and_last_modified_move_on_when_bookings_change(
    client_for, staff, champion, booked
):
    def event():
        (found,) = parse(client_for(staff).get(CALENDAR)).walk("VEVENT")
        return found

    before = event()
    client_for(champion).post(session_url("showcase_slot_confirm", booked.session, booked.pk))
    confirmed = event()
    assert confirmed["UID"] == before["UID"]
    assert confirmed["SEQUENCE"] > before["SEQUENCE"]
    assert confirmed.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")
    client_for(champion).post(session_url("showcase_slot_cancel", booked.session, booked.pk))
    cancelled = event()
    assert cancelled["SEQUENCE"] > confirmed["SEQUENCE"]
    assert "13:10 Free slot" in str(cancelled["DESCRIPTION"])


def make_link(client) -> str:
    html = html_of(client.post(NEW_LINK))
    return re.search(r'value="(http[^"]+)"', html).group(1).replace("&amp;", "&")


def test_a_personal_link_opens_the_calendar_without_login_and_only_its_digest_is_kept(
    client, client_for, staff, booked
):
    url = make_link(client_for(staff))
    key = url.split("key=")[1]
    assert url.startswith("http://testserver/showcase/calendar.ics?key=")
    feed = CalendarFeed.objects.get(person=staff)
    assert feed.token_digest == token_digest(key)
    assert key not in str(CalendarFeed.objects.values().get())
    client.logout()
    calendar = parse(client.get(CALENDAR, {"key": key}))
    assert len(calendar.walk("VEVENT")) == 1
    assert "You made your link on" in html_of(client_for(staff).get(LIST))


def test_a_new_link_revokes_the_old_one(client, client_for, staff, booked):
    old = make_link(client_for(staff)).split("key=")[1]
    new = make_link(client_for(staff)).split("key=")[1]
    assert CalendarFeed.objects.count() == 1
    client.logout()
    assert client.get(CALENDAR, {"key": old}).status_code == 404
    assert client.get(CALENDAR, {"key": new}).status_code == 200


def test_stopping_the_link_revokes_it(client, client_for, staff, booked):
    key = make_link(client_for(staff)).split("key=")[1]
    client_for(staff).post(STOP_LINK)
    assert not CalendarFeed.objects.exists()
    client.logout()
    assert client.get(CALENDAR, {"key": key}).status_code == 404


def test_a_wrong_key_or_a_disabled_account_gets_no_data(client, client_for, staff, booked):
    key = make_link(client_for(staff)).split("key=")[1]
    client.logout()
    for wrong in ("", "not-the-key", key[:-1], key + "x", "x" * 5000):
        response = client.get(CALENDAR, {"key": wrong})
        assert response.status_code == 404
        assert b"Spring" not in response.content
    staff.user.is_active = False
    staff.user.save()
    assert client.get(CALENDAR, {"key": key}).status_code == 404


def test_the_calendar_link_is_made_by_post_only(client_for, staff):
    assert client_for(staff).get(NEW_LINK).status_code == 405
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("count", [1, 12])
def test_calendar_query_count_does_not_grow_with_sessions(
    client, client_for, staff, pharmacy, acute_medicine, count, django_assert_max_num_queries
):
    for n in range(count):
        session = ShowcaseSessionFactory(department=pharmacy, starts_at=local(7 + n))
        ShowcaseSlotFactory(
            session=session, position=1, project=other_project(pharmacy, acute_medicine)
        )
    key = make_link(client_for(staff)).split("key=")[1]
    client.logout()
    # the link with its person, user and department; sessions with their change history;
    # their slots with projects; presenters.
    with django_assert_max_num_queries(4):
        parse(client.get(CALENDAR, {"key": key}))


def test_project_page_showcase_section_costs_the_same_for_one_slot_or_many(
    client_for, staff, project, pharmacy, acute_medicine
):
    # The project page's own bound lives in tests/projects/test_project_pages.py; here, the
    # Showcase section must cost the same however many slots (and presenters) it lists.
    def queries_for_project_page() -> int:
        client = client_for(staff)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(project.get_absolute_url()).status_code == 200
        return len(queries)

    first = ShowcaseSessionFactory(department=pharmacy, starts_at=local(-100))
    ShowcaseSlotFactory(session=first, position=1, project=project)
    one = queries_for_project_page()
    for n in range(10):
        session = ShowcaseSessionFactory(department=pharmacy, starts_at=local(-90 + n))
        team = [staff, PersonFactory(department=pharmacy), PersonFactory(department=pharmacy)]
        ShowcaseSlotFactory(session=session, position=1, project=project, presenters=team)
    assert queries_for_project_page() == one
