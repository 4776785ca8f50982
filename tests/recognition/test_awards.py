"""Awards and nominations: the catalogue, nominating, drafts, outcomes, and recognition on
profiles and project pages."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.errors import WorkflowError
from projects.models import Membership
from recognition.forms.awards import AwardForm
from recognition.models import Award, Nomination
from recognition.services import awards as services
from tests.factories import (
    AwardFactory,
    ChampionAssignmentFactory,
    ClinicalAreaFactory,
    NominationFactory,
    PersonFactory,
    ProjectFactory,
)
from tests.helpers import race

Status = Nomination.Status
AWARDS = reverse("recognition:awards")
MANAGE = reverse("recognition:nominations")
MINE = reverse("recognition:my_nominations")
CITATION = "Cut omitted doses of time-critical medicines by half on two wards."


@pytest.fixture
def award(db):
    return AwardFactory(
        name="Trust Quality Award",
        awarding_body="The trust",
        level=Award.Level.TRUST,
        deadline=timezone.localdate() + dt.timedelta(days=12),
    )


@pytest.fixture
def past_award(db):
    return AwardFactory(
        name="Regional Pharmacy Award",
        awarding_body="NHS England",
        level=Award.Level.REGIONAL,
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )


@pytest.fixture
def submitted(award, staff, manager):
    """`manager` nominated `staff`, and submitted it."""
    return NominationFactory(award=award, person=staff, nominated_by=manager, citation=CITATION)


@pytest.fixture
def draft_nomination(award, staff, manager):
    """`manager`'s draft nomination of `staff`."""
    return NominationFactory(
        award=award,
        person=staff,
        nominated_by=manager,
        status=Status.DRAFT,
        citation="Secret draft citation about Sam.",
    )


@pytest.fixture
def nursing_champion(outsider):
    area = ClinicalAreaFactory(department=outsider.department, name="Ward 9")
    person = PersonFactory(department=outsider.department, display_name="Nia Champion")
    ChampionAssignmentFactory(person=person, clinical_area=area)
    return person


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def as_persona(request, client_for, persona):
    return client_for(request.getfixturevalue(persona))


def nominate_data(**changes):
    return {"nominee_kind": "person", "citation": CITATION, "submit": "1", **changes}


# Who may use each page.

PERSONAS = ["staff", "champion", "manager", "admin", "outsider"]
MANAGERS_OF_AWARDS = {"champion", "admin"}


@pytest.mark.parametrize(
    ("method", "name", "needs_pk"),
    [
        ("get", "awards", False),
        ("get", "award_create", False),
        ("get", "award_edit", True),
        ("get", "nominate", True),
        ("get", "nominations", False),
        ("get", "my_nominations", False),
        ("get", "nomination", True),
        ("get", "nomination_edit", True),
        ("post", "nomination_submit", True),
        ("post", "nomination_delete", True),
        ("post", "nomination_status", True),
    ],
)
def test_anonymous_is_sent_to_login(client, submitted, method, name, needs_pk):
    url = reverse(f"recognition:{name}", args=[submitted.pk] if needs_pk else [])
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_signed_in_sees_the_catalogue_and_may_nominate(
    request, client_for, award, persona
):
    client = as_persona(request, client_for, persona)
    html = client.get(AWARDS).content.decode()
    assert "Trust Quality Award" in html
    assert reverse("recognition:nominate", args=[award.pk]) in html
    assert client.get(reverse("recognition:nominate", args=[award.pk])).status_code == 200
    assert client.get(MINE).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_champions_and_admins_add_and_edit_awards(request, client_for, award, persona):
    client = as_persona(request, client_for, persona)
    allowed = persona in MANAGERS_OF_AWARDS
    expected = 200 if allowed else 403
    assert client.get(reverse("recognition:award_create")).status_code == expected
    assert client.get(reverse("recognition:award_edit", args=[award.pk])).status_code == expected
    response = client.post(
        reverse("recognition:award_edit", args=[award.pk]),
        {"name": "Renamed", "awarding_body": "The trust", "level": "trust"},
    )
    assert response.status_code == (302 if allowed else 403)
    award.refresh_from_db()
    assert award.name == ("Renamed" if allowed else "Trust Quality Award")
    assert (reverse("recognition:award_create") in client.get(AWARDS).content.decode()) is allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_champions_and_admins_see_the_department_nominations(
    request, client_for, submitted, persona
):
    response = as_persona(request, client_for, persona).get(MANAGE)
    assert response.status_code == (200 if persona in MANAGERS_OF_AWARDS else 403)


# (persona, sees a submitted nomination of `staff`, records its outcome)
SUBMITTED_MATRIX = [
    ("staff", 200, 403),  # the nominee
    ("manager", 200, 403),  # the nominator
    ("champion", 200, 302),
    ("admin", 200, 302),
    ("outsider", 404, 404),
    ("nursing_champion", 404, 404),  # a champion, but of another department
]


@pytest.mark.parametrize(("persona", "sees", "decides"), SUBMITTED_MATRIX)
def test_a_submitted_nomination_is_read_in_its_department_and_decided_by_champions(
    request, client_for, submitted, persona, sees, decides
):
    client = as_persona(request, client_for, persona)
    response = client.get(reverse("recognition:nomination", args=[submitted.pk]))
    assert response.status_code == sees
    if sees == 200:
        assert CITATION in response.content.decode()
    response = client.post(
        reverse("recognition:nomination_status", args=[submitted.pk]), {"status": "won"}
    )
    assert response.status_code == decides
    submitted.refresh_from_db()
    assert submitted.status == (Status.WON if decides == 302 else Status.SUBMITTED)


# (persona, sees `manager`'s draft, may change it)
DRAFT_MATRIX = [
    ("manager", 200, True),  # the nominator
    ("admin", 200, False),
    ("staff", 404, False),  # the nominee does not see a draft about them
    ("champion", 404, False),
    ("outsider", 404, False),
]


@pytest.mark.parametrize(("persona", "sees", "changes"), DRAFT_MATRIX)
def test_a_draft_is_the_nominators_alone_and_admins(
    request, client_for, draft_nomination, persona, sees, changes
):
    client = as_persona(request, client_for, persona)
    detail = client.get(reverse("recognition:nomination", args=[draft_nomination.pk]))
    assert detail.status_code == sees
    edit = client.get(reverse("recognition:nomination_edit", args=[draft_nomination.pk]))
    refused = 403 if sees == 200 else 404
    assert edit.status_code == (200 if changes else refused)
    if not changes:
        for name in ("nomination_submit", "nomination_delete"):
            response = client.post(reverse(f"recognition:{name}", args=[draft_nomination.pk]))
            assert response.status_code == refused
        draft_nomination.refresh_from_db()
        assert draft_nomination.status == Status.DRAFT


@pytest.mark.parametrize("persona", ["staff", "champion", "outsider"])
def test_a_draft_is_nowhere_but_with_its_nominator(
    request, client_for, draft_nomination, persona, project
):
    client = as_persona(request, client_for, persona)
    for url in (
        AWARDS,
        MINE,
        reverse("people:profile", args=[draft_nomination.person_id]),
        reverse("projects:detail", args=[project.pk]),
    ):
        assert "Secret draft citation" not in client.get(url).content.decode(), url
    if persona == "champion":
        assert "Secret draft citation" not in client.get(MANAGE).content.decode()


def test_the_nominator_finds_their_drafts_among_their_nominations(
    client_for, manager, draft_nomination, submitted
):
    html = client_for(manager).get(MINE).content.decode()
    assert html.count(reverse("recognition:nomination", args=[draft_nomination.pk])) == 1
    assert reverse("recognition:nomination", args=[submitted.pk]) in html
    assert "Draft" in html


def test_a_missing_award_or_nomination_is_404(client_for, champion):
    client = client_for(champion)
    assert client.get(reverse("recognition:award_edit", args=[999999])).status_code == 404
    assert client.get(reverse("recognition:nominate", args=[999999])).status_code == 404
    assert client.get(reverse("recognition:nomination", args=[999999])).status_code == 404


def test_delete_and_submit_are_post_only(client_for, manager, draft_nomination):
    client = client_for(manager)
    for name in ("nomination_submit", "nomination_delete", "nomination_status"):
        response = client.get(reverse(f"recognition:{name}", args=[draft_nomination.pk]))
        assert response.status_code == 405
    assert Nomination.objects.filter(pk=draft_nomination.pk, status=Status.DRAFT).exists()


# The catalogue.


def test_catalogue_separates_open_and_past_awards_with_days_left(
    client_for, staff, award, past_award
):
    closed = AwardFactory(name="Withdrawn Award", is_open=False)
    no_deadline = AwardFactory(name="Rolling Award", deadline=None)
    response = client_for(staff).get(AWARDS)
    assert list(response.context["open_awards"]) == [award, no_deadline]
    assert set(response.context["closed_awards"]) == {past_award, closed}
    html = response.content.decode()
    assert "Closes in 12 days" in html
    assert "No deadline" in html
    assert "Closed" in html
    assert "Not taking nominations" in html
    # Past awards get no Nominate link.
    assert reverse("recognition:nominate", args=[past_award.pk]) not in html
    assert reverse("recognition:nominate", args=[closed.pk]) not in html


def test_catalogue_celebrates_recent_wins_in_the_department(
    client_for, staff, outsider, submitted, champion
):
    services.nomination_set_status(nomination_id=submitted.pk, status="won", changed_by=champion)
    link = reverse("recognition:nomination", args=[submitted.pk])
    response = client_for(champion).get(AWARDS)
    assert list(response.context["recent_wins"]) == [submitted]
    assert link in response.content.decode()
    # A win is recognition within the department; another department does not see it.
    assert link not in client_for(outsider).get(AWARDS).content.decode()


def test_champion_adds_an_award_with_a_past_deadline_for_the_record(client_for, champion):
    response = client_for(champion).post(
        reverse("recognition:award_create"),
        {
            "name": "RPS Pharmacy Team of the Year",
            "awarding_body": "Royal Pharmaceutical Society",
            "level": "national",
            "deadline": "2025-03-31",
            "url": "https://www.rpharms.com/awards",
            "is_open": "on",
        },
    )
    assert response.status_code == 302
    award = Award.objects.get(name="RPS Pharmacy Team of the Year")
    assert award.deadline == dt.date(2025, 3, 31)
    assert award.history.count() == 1


def test_award_form_says_what_is_missing_and_saves_nothing(client_for, champion, award):
    response = client_for(champion).post(
        reverse("recognition:award_create"), {"name": "", "url": "not a link"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Enter the award&#x27;s name",
        "Enter who gives the award",
        "Choose the award&#x27;s level",
        "Enter the link as a full web address",
        "There is a problem",
    ):
        assert message in html
    assert Award.objects.count() == 1


def test_the_same_award_cannot_be_listed_twice(client_for, champion, award):
    response = client_for(champion).post(
        reverse("recognition:award_create"),
        {"name": "trust quality award", "awarding_body": "THE TRUST", "level": "trust"},
    )
    assert response.status_code == 200
    assert "already listed" in response.content.decode()
    assert Award.objects.count() == 1


# Nominating each kind of nominee.


def test_nominating_a_person_and_submitting(client_for, manager, staff, award):
    response = client_for(manager).post(
        reverse("recognition:nominate", args=[award.pk]), nominate_data(person=staff.pk)
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("recognition:nomination", args=[nomination.pk])
    assert (nomination.person, nomination.nominated_by, nomination.status) == (
        staff,
        manager,
        Status.SUBMITTED,
    )
    assert nomination.submitted_at is not None


def test_nominating_a_team_as_a_draft(client_for, staff, champion, manager, award):
    response = client_for(staff).post(
        reverse("recognition:nominate", args=[award.pk]),
        {
            "nominee_kind": "team",
            "team_name": "Acute medicine pharmacy team",
            "team_members": [staff.pk, champion.pk, manager.pk],
            "citation": CITATION,
            "draft": "1",
        },
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.status == Status.DRAFT
    assert nomination.submitted_at is None
    assert nomination.team_name == "Acute medicine pharmacy team"
    assert set(nomination.team_members.all()) == {staff, champion, manager}
    nomination_url = reverse("recognition:nomination", args=[nomination.pk])
    html = client_for(staff).get(nomination_url).content.decode()
    assert "A team: Acute medicine pharmacy team (team)" in html
    assert "Team members" in html


def test_nominating_a_project(client_for, champion, project, award):
    response = client_for(champion).post(
        reverse("recognition:nominate", args=[award.pk]),
        nominate_data(nominee_kind="project", project=project.pk),
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.nominee_kind, nomination.project) == ("project", project)


def test_fields_of_other_kinds_are_ignored(client_for, champion, staff, outsider, project, award):
    response = client_for(champion).post(
        reverse("recognition:nominate", args=[award.pk]),
        nominate_data(
            nominee_kind="project",
            project=project.pk,
            person=outsider.pk,  # not even a valid choice: ignored, as it is not a person kind
            team_name="Left over from changing my mind",
            team_members=[staff.pk],
        ),
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.person, nomination.team_name) == (None, "")
    assert not nomination.team_members.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"nominee_kind": ""}, "nominee_kind", "Choose who you are nominating"),
        ({"nominee_kind": "person"}, "person", "Choose the person you are nominating"),
        (
            {"nominee_kind": "team", "team_members": ["STAFF"]},
            "team_name",
            "Enter the team&#x27;s name",
        ),
        (
            {"nominee_kind": "team", "team_name": "Dispensary"},
            "team_members",
            "Choose at least one member of the team",
        ),
        ({"nominee_kind": "project"}, "project", "Choose the project you are nominating"),
        (
            {"nominee_kind": "person", "person": "OUTSIDER"},
            "person",
            "Choose one person from Pharmacy",
        ),
        (
            {"nominee_kind": "project", "project": "DRAFT"},
            "project",
            "Choose a project from the list",
        ),
        (
            {"nominee_kind": "person", "person": "STAFF", "citation": ""},
            "citation",
            "Write the citation",
        ),
        (
            {"nominee_kind": "person", "person": "STAFF", "citation": "x" * 4001},
            "citation",
            "The citation must be 4000 characters or fewer",
        ),
    ],
)
def test_a_missing_or_wrong_nominee_field_is_named_and_nothing_is_saved(
    client_for, manager, staff, outsider, draft, award, data, field, message
):
    stand_ins = {"STAFF": staff.pk, "OUTSIDER": outsider.pk, "DRAFT": draft.pk}
    data = {
        k: ([stand_ins.get(x, x) for x in v] if isinstance(v, list) else stand_ins.get(v, v))
        for k, v in data.items()
    }
    response = client_for(manager).post(
        reverse("recognition:nominate", args=[award.pk]), nominate_data(**data)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    assert message in html
    assert not Nomination.objects.exists()


def test_nominate_page_offers_the_department_and_submitted_projects_only(
    client_for, staff, outsider, project, draft, award
):
    ProjectFactory(lead=outsider, title="Nursing handover project")
    form = client_for(staff).get(reverse("recognition:nominate", args=[award.pk])).context["form"]
    assert outsider not in form.fields["person"].queryset
    assert staff in form.fields["team_members"].queryset
    assert list(form.fields["project"].queryset) == [project]


def test_nominate_this_project_carries_the_project_through(client_for, champion, project, award):
    client = client_for(champion)
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert f"{AWARDS}?project={project.pk}" in detail
    catalogue = client.get(AWARDS, {"project": project.pk}).content.decode()
    nominate_url = reverse("recognition:nominate", args=[award.pk]) + f"?project={project.pk}"
    assert nominate_url in catalogue
    form = client.get(nominate_url).context["form"]
    assert form.initial == {"nominee_kind": "project", "project": project.pk}


def test_a_project_the_viewer_cannot_nominate_is_not_carried_through(
    client_for, outsider, project, award
):
    response = client_for(outsider).get(AWARDS, {"project": project.pk})
    assert response.context["nominee"] is None
    assert f"?project={project.pk}" not in response.content.decode()


def test_nominate_page_uses_conditional_radios_that_work_without_javascript(
    client_for, staff, award
):
    html = client_for(staff).get(reverse("recognition:nominate", args=[award.pk])).content.decode()
    for control in (
        'name="person_q"',  # the person picker's search box
        'name="team_name"',
        'name="team_members_q"',
        'name="project"',
    ):
        assert control in html  # every field is in the page, not fetched by script
    assert 'data-aria-controls="conditional-team"' in html
    assert 'id="conditional-team"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    assert 'style="' not in html


# Deadlines.


def test_submitting_after_the_deadline_is_refused_and_nothing_is_saved(
    client_for, manager, staff, past_award
):
    response = client_for(manager).post(
        reverse("recognition:nominate", args=[past_award.pk]), nominate_data(person=staff.pk)
    )
    assert response.status_code == 200
    html = response.content.decode()
    deadline = past_award.deadline
    assert f"The deadline for Regional Pharmacy Award was {deadline.day} " in html
    assert "cannot be submitted" in html
    assert not Nomination.objects.exists()


def test_a_draft_may_be_saved_after_the_deadline_but_not_submitted(
    client_for, manager, staff, past_award
):
    client = client_for(manager)
    response = client.post(
        reverse("recognition:nominate", args=[past_award.pk]),
        {"nominee_kind": "person", "person": staff.pk, "citation": CITATION, "draft": "1"},
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    response = client.post(
        reverse("recognition:nomination_submit", args=[nomination.pk]), follow=True
    )
    assert "the nomination cannot be submitted" in messages_of(response)[-1]
    nomination.refresh_from_db()
    assert nomination.status == Status.DRAFT


def test_an_award_not_taking_nominations_cannot_be_nominated_for(client_for, staff):
    award = AwardFactory(name="Withdrawn Award", is_open=False)
    response = client_for(staff).post(
        reverse("recognition:nominate", args=[award.pk]), nominate_data(person=staff.pk)
    )
    assert response.status_code == 302
    assert response["Location"] == AWARDS
    assert not Nomination.objects.exists()


# The nominator's own draft.


def test_nominator_edits_a_draft_from_a_person_to_a_team(
    client_for, manager, staff, champion, draft_nomination
):
    response = client_for(manager).post(
        reverse("recognition:nomination_edit", args=[draft_nomination.pk]),
        {
            "nominee_kind": "team",
            "person": staff.pk,  # still selected in the page: ignored
            "team_name": "Discharge team",
            "team_members": [staff.pk, champion.pk],
            "citation": "A better citation.",
            "draft": "1",
        },
    )
    assert response.status_code == 302
    draft_nomination.refresh_from_db()
    assert (draft_nomination.nominee_kind, draft_nomination.person) == ("team", None)
    assert draft_nomination.citation == "A better citation."
    assert set(draft_nomination.team_members.all()) == {staff, champion}
    assert draft_nomination.status == Status.DRAFT


def test_edit_form_starts_from_the_draft(client_for, manager, staff, draft_nomination):
    form = (
        client_for(manager)
        .get(reverse("recognition:nomination_edit", args=[draft_nomination.pk]))
        .context["form"]
    )
    assert form.initial["person"] == staff.pk
    assert form.initial["citation"] == "Secret draft citation about Sam."


def test_nominator_submits_a_draft_from_the_edit_page(client_for, manager, staff, draft_nomination):
    client_for(manager).post(
        reverse("recognition:nomination_edit", args=[draft_nomination.pk]),
        nominate_data(person=staff.pk),
    )
    draft_nomination.refresh_from_db()
    assert draft_nomination.status == Status.SUBMITTED


def test_nominator_submits_and_deletes_drafts(client_for, manager, award, staff, draft_nomination):
    client = client_for(manager)
    client.post(reverse("recognition:nomination_submit", args=[draft_nomination.pk]))
    draft_nomination.refresh_from_db()
    assert draft_nomination.status == Status.SUBMITTED
    other = NominationFactory(award=award, person=staff, nominated_by=manager, status="draft")
    response = client.post(reverse("recognition:nomination_delete", args=[other.pk]))
    assert response["Location"] == MINE
    assert not Nomination.objects.filter(pk=other.pk).exists()


def test_a_submitted_nomination_can_no_longer_be_edited_or_deleted(
    client_for, manager, staff, submitted
):
    client = client_for(manager)
    edit_url = reverse("recognition:nomination_edit", args=[submitted.pk])
    assert client.get(edit_url).status_code == 302
    client.post(edit_url, nominate_data(person=staff.pk, citation="Rewritten afterwards"))
    response = client.post(reverse("recognition:nomination_delete", args=[submitted.pk]))
    assert "can no longer be changed" in client.get(response["Location"]).content.decode()
    submitted.refresh_from_db()
    assert submitted.citation == CITATION


# Outcomes: champions and admins only.


def test_champion_records_shortlist_then_win_with_who_and_when(client_for, champion, submitted):
    client = client_for(champion)
    url = reverse("recognition:nomination_status", args=[submitted.pk])
    client.post(url, {"status": "shortlisted"})
    client.post(url, {"status": "won"})
    submitted.refresh_from_db()
    assert submitted.status == Status.WON
    assert submitted.status_changed_by == champion
    assert submitted.status_changed_at is not None
    assert [r.status for r in submitted.history.order_by("history_id")] == [
        "submitted",
        "shortlisted",
        "won",
    ]
    html = client.get(reverse("recognition:nomination", args=[submitted.pk])).content.decode()
    assert "Status history" in html
    assert "recorded by Chris Okoro" in html


def test_champions_cannot_move_a_draft(client_for, champion, admin, draft_nomination):
    for person in (champion, admin):
        with pytest.raises(WorkflowError, match="still a draft"):
            services.nomination_set_status(
                nomination_id=draft_nomination.pk, status="won", changed_by=person
            )
    response = client_for(admin).post(
        reverse("recognition:nomination_status", args=[draft_nomination.pk]), {"status": "won"}
    )
    assert response.status_code == 403
    draft_nomination.refresh_from_db()
    assert (draft_nomination.status, draft_nomination.status_changed_by) == (Status.DRAFT, None)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("draft", "Choose submitted, shortlisted, won or not won"),
        ("lost", "Choose submitted, shortlisted, won or not won"),
        ("", "Choose the new status"),
    ],
)
def test_a_refused_status_is_shown_by_the_field_and_in_the_error_summary(
    client_for, champion, submitted, status, message
):
    response = client_for(champion).post(
        reverse("recognition:nomination_status", args=[submitted.pk]), {"status": status}
    )
    assert response.status_code == 200
    assert list(response.context["messages"]) == []  # not flashed
    html = response.content.decode()
    summary = html.split('class="nhsuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert "There is a problem" in summary
    assert f'<a href="#id_status">{message}</a>' in summary
    assert f'<span class="nhsuk-u-visually-hidden">Error: </span>{message}' in html  # the field
    assert 'class="nhsuk-select nhsuk-select--error"' in html
    assert CITATION in html  # the nomination's page, with the form where it always is
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_setting_the_status_it_already_has_is_shown_at_the_field_keeping_the_way_back(
    client_for, champion, submitted
):
    back = f"{MANAGE}?status=submitted"
    response = client_for(champion).post(
        reverse("recognition:nomination_status", args=[submitted.pk]),
        {"status": "submitted", "next": back},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="#id_status">This nomination is already submitted</a>' in html
    assert 'id="id_status-error"' in html
    # Correcting it on this page still returns to the list it came from.
    assert f'<input type="hidden" name="next" value="{MANAGE}?status=submitted">' in html


def test_the_lists_quick_action_still_returns_to_the_list_with_a_message(
    client_for, champion, submitted
):
    back = f"{MANAGE}?status=submitted"
    response = client_for(champion).post(
        reverse("recognition:nomination_status", args=[submitted.pk]),
        {"status": "won", "next": back},
        follow=True,
    )
    assert response.redirect_chain == [(back, 302)]
    assert messages_of(response) == ["Sam Taylor for Trust Quality Award: won."]


def test_status_change_returns_to_the_filtered_list_but_never_off_site(
    client_for, champion, submitted
):
    client = client_for(champion)
    url = reverse("recognition:nomination_status", args=[submitted.pk])
    back = f"{MANAGE}?status=submitted"
    assert client.post(url, {"status": "shortlisted", "next": back})["Location"] == back
    response = client.post(url, {"status": "won", "next": "https://evil.example/"})
    assert response["Location"] == reverse("recognition:nomination", args=[submitted.pk])


def test_management_list_is_the_department_filtered_by_status_and_award(
    client_for, champion, nursing_champion, outsider, staff, submitted, draft_nomination
):
    other_award = AwardFactory(name="Chief Pharmacist's Award")
    won = NominationFactory(
        award=other_award, person=staff, nominated_by=champion, status=Status.WON
    )
    NominationFactory(person=outsider, nominated_by=outsider)  # Nursing's
    client = client_for(champion)
    assert list(client.get(MANAGE).context["page"].object_list) == [won, submitted]
    assert list(client.get(MANAGE, {"status": "won"}).context["page"].object_list) == [won]
    by_award = client.get(MANAGE, {"award": submitted.award_id}).context["page"].object_list
    assert list(by_award) == [submitted]
    nursing = client_for(nursing_champion).get(MANAGE).context["page"].object_list
    assert [n.person for n in nursing] == [outsider]


# Recognition on profiles and project pages.


def test_profile_shows_wins_first_and_team_recognition_but_never_a_draft(
    client_for, champion, manager, staff, award, draft_nomination
):
    NominationFactory(
        award=AwardFactory(name="Shortlisted Award"),
        person=staff,
        nominated_by=manager,
        status=Status.SHORTLISTED,
    )
    NominationFactory(
        award=AwardFactory(name="Winning Award", level="national"),
        person=staff,
        nominated_by=manager,
        status=Status.WON,
        status_changed_at=timezone.now(),
    )
    team = NominationFactory(
        award=AwardFactory(name="Team Award"),
        nominee_kind="team",
        person=None,
        team_name="Acute pharmacy",
        nominated_by=champion,
        status=Status.SUBMITTED,
    )
    team.team_members.set([staff, champion])
    html = client_for(champion).get(reverse("people:profile", args=[staff.pk])).content.decode()
    section = html.split('<h2 id="recognition">Recognition</h2>', 1)[1].split("<h2>", 1)[0]
    assert section.index("Winning Award") < section.index("Shortlisted Award")
    assert "National" in section
    assert "as the team Acute pharmacy" in section
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Won</strong>' in section
    assert "Secret draft citation" not in html
    assert html.index("Recognition</h2>") < html.index("<h2>Training completed</h2>")


def test_profile_recognition_stays_in_the_department(client_for, outsider, staff, submitted):
    html = client_for(outsider).get(reverse("people:profile", args=[staff.pk])).content.decode()
    assert "Recognition" in html
    assert CITATION not in html


def test_project_page_shows_only_its_own_nominations_never_a_team_or_draft(
    client_for, champion, manager, staff, project, award, outsider
):
    NominationFactory(
        award=award,
        nominee_kind="project",
        person=None,
        project=project,
        nominated_by=champion,
        status=Status.WON,
        citation="The project that halved omitted doses.",
    )
    team = NominationFactory(
        award=AwardFactory(name="Team Award"),
        nominee_kind="team",
        person=None,
        team_name="Omitted doses team",
        nominated_by=manager,
    )
    team.team_members.set([staff])  # staff leads `project`: still not the project's
    other_project = ProjectFactory(lead=staff, title="Insulin safety")
    NominationFactory(
        award=AwardFactory(name="Other Project Award"),
        nominee_kind="project",
        person=None,
        project=other_project,
        nominated_by=champion,
        citation="The other project's nomination.",
    )
    NominationFactory(
        award=AwardFactory(name="Draft Award"),
        nominee_kind="project",
        person=None,
        project=project,
        nominated_by=manager,
        status=Status.DRAFT,
        citation="Secret draft about the project.",
    )
    url = reverse("projects:detail", args=[project.pk])
    html = client_for(manager).get(url).content.decode()
    section = html.split('<h2 id="recognition">Recognition</h2>', 1)[1]
    assert "The project that halved omitted doses." in section
    assert "Omitted doses team" not in html  # a team's nomination is its members'
    assert "The other project's nomination." not in html
    assert "Secret draft about the project." not in html
    assert html.index('id="recognition"') < html.index("Nominate this project")
    outsider_html = client_for(outsider).get(url).content.decode()
    assert "The project that halved omitted doses." not in outsider_html
    assert "Nominate this project" not in outsider_html


def test_nominator_sees_the_draft_only_on_its_own_page_and_their_list(
    client_for, manager, staff, draft_nomination
):
    client = client_for(manager)
    profile = client.get(reverse("people:profile", args=[staff.pk])).content.decode()
    assert "Secret draft citation" not in profile
    detail = client.get(reverse("recognition:nomination", args=[draft_nomination.pk]))
    assert "Secret draft citation" in detail.content.decode()


# Nobody records the outcome of a nomination they have a stake in.


def _stake(kind, champion, staff, pharmacy):
    """A submitted nomination in which `champion` has the stake `kind`."""
    nominator = PersonFactory(department=pharmacy, display_name="Noor Nominator")
    project = ProjectFactory(lead=staff, title="Discharge medicines project")
    nomination = {
        "nominee": lambda: NominationFactory(person=champion, nominated_by=nominator),
        "nominator": lambda: NominationFactory(person=staff, nominated_by=champion),
        "team member": lambda: NominationFactory(
            nominee_kind="team", person=None, team_name="Ward team", nominated_by=nominator
        ),
        "project lead": lambda: NominationFactory(
            nominee_kind="project",
            person=None,
            project=ProjectFactory(lead=champion),
            nominated_by=nominator,
        ),
        "project co-lead": lambda: NominationFactory(
            nominee_kind="project", person=None, project=project, nominated_by=nominator
        ),
        "project member": lambda: NominationFactory(
            nominee_kind="project", person=None, project=project, nominated_by=nominator
        ),
        "former project member": lambda: NominationFactory(
            nominee_kind="project", person=None, project=project, nominated_by=nominator
        ),
    }[kind]()
    if kind == "team member":
        nomination.team_members.set([staff, champion])
    elif kind == "project co-lead":
        project.co_leads.set([champion])
    elif kind == "project member":
        Membership.objects.create(project=project, person=champion, role_title="Data collector")
    elif kind == "former project member":
        Membership.objects.create(
            project=project,
            person=champion,
            role_title="Data collector",
            left_on=timezone.localdate() - dt.timedelta(days=30),
        )
    return nomination


STAKES = [
    "nominee",
    "nominator",
    "team member",
    "project lead",
    "project co-lead",
    "project member",
    "former project member",
]


@pytest.mark.parametrize("stake", STAKES)
def test_a_champion_cannot_decide_a_nomination_they_have_a_stake_in(
    client_for, champion, staff, pharmacy, stake
):
    nomination = _stake(stake, champion, staff, pharmacy)
    client = client_for(champion)
    response = client.post(
        reverse("recognition:nomination_status", args=[nomination.pk]), {"status": "won"}
    )
    assert response.status_code == 403
    nomination.refresh_from_db()
    assert (nomination.status, nomination.status_changed_by) == (Status.SUBMITTED, None)
    with pytest.raises(WorkflowError, match="You are part of this nomination"):
        services.nomination_set_status(
            nomination_id=nomination.pk, status="won", changed_by=champion
        )
    # The page offers no status form, and says why.
    html = client.get(reverse("recognition:nomination", args=[nomination.pk])).content.decode()
    assert reverse("recognition:nomination_status", args=[nomination.pk]) not in html
    assert "You are part of this nomination" in html
    # Nor does the list's quick action.
    html = client.get(MANAGE).content.decode()
    assert reverse("recognition:nomination_status", args=[nomination.pk]) not in html


@pytest.mark.parametrize("stake", ["nominee", "team member", "project co-lead"])
def test_an_admin_with_a_stake_cannot_decide_either(client_for, admin, staff, pharmacy, stake):
    nomination = _stake(stake, admin, staff, pharmacy)
    response = client_for(admin).post(
        reverse("recognition:nomination_status", args=[nomination.pk]), {"status": "won"}
    )
    assert response.status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == Status.SUBMITTED


def test_another_champion_decides_and_the_list_offers_only_their_rows(
    client_for, champion, staff, pharmacy, acute_medicine
):
    own = _stake("nominee", champion, staff, pharmacy)
    other = NominationFactory(person=staff, nominated_by=PersonFactory(department=pharmacy))
    html = client_for(champion).get(MANAGE).content.decode()
    assert reverse("recognition:nomination_status", args=[other.pk]) in html
    assert reverse("recognition:nomination_status", args=[own.pk]) not in html
    colleague = PersonFactory(department=pharmacy, display_name="Cara Champion")
    ChampionAssignmentFactory(person=colleague, clinical_area=acute_medicine)
    response = client_for(colleague).post(
        reverse("recognition:nomination_status", args=[own.pk]), {"status": "won"}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.status, own.status_changed_by) == (Status.WON, colleague)


# Recognition of a project reaches its people.


def _project_nomination(project, *, status=Status.SUBMITTED, citation="Project citation."):
    return NominationFactory(
        award=AwardFactory(name=f"Award for {citation}"),
        nominee_kind="project",
        person=None,
        project=project,
        nominated_by=PersonFactory(department=project.department),
        status=status,
        citation=citation,
    )


def test_profile_lists_nominations_of_projects_the_person_leads_co_leads_or_works_on(
    client_for, champion, staff, pharmacy
):
    colleague = PersonFactory(department=pharmacy)
    led = ProjectFactory(lead=staff, title="Led project")
    co_led = ProjectFactory(lead=colleague, co_leads=[staff], title="Co-led project")
    member_of = ProjectFactory(lead=colleague, title="Member project")
    Membership.objects.create(project=member_of, person=staff, role_title="Data collector")
    left = ProjectFactory(lead=colleague, title="Left project")
    Membership.objects.create(
        project=left,
        person=staff,
        role_title="Data collector",
        left_on=timezone.localdate() - dt.timedelta(days=1),
    )
    unrelated = ProjectFactory(lead=colleague, title="Unrelated project")
    for project in (led, co_led, member_of, left, unrelated):
        _project_nomination(project, citation=f"Citation for {project.title}.")
    _project_nomination(led, status=Status.DRAFT, citation="Secret draft for the led project.")
    html = client_for(champion).get(reverse("people:profile", args=[staff.pk])).content.decode()
    section = html.split('<h2 id="recognition">Recognition</h2>', 1)[1].split("<h2", 1)[0]
    for project in (led, co_led, member_of):
        assert f"Citation for {project.title}." in section
        detail = reverse("projects:detail", args=[project.pk])
        assert f'Project nominated: <a href="{detail}">{project.title}</a>' in section
    assert "Citation for Left project." not in section  # a former member
    assert "Citation for Unrelated project." not in section
    assert "Secret draft" not in html


# Query strings never cause a 500.


@pytest.mark.parametrize("value", ["²", "-1", "1.5", "abc", "", "９"])
def test_a_malformed_project_in_the_query_string_is_ignored(client_for, champion, award, value):
    client = client_for(champion)
    response = client.get(AWARDS, {"project": value})
    assert response.status_code == 200
    assert response.context["nominee"] is None
    response = client.get(reverse("recognition:nominate", args=[award.pk]), {"project": value})
    assert response.status_code == 200
    assert response.context["form"].initial == {}


# The catalogue's past awards are capped; the rest have their own page.


def test_catalogue_shows_the_latest_past_awards_and_links_to_all(client_for, staff, pharmacy):
    today = timezone.localdate()
    for n in range(12):
        AwardFactory(name=f"Past award {n:02}", deadline=today - dt.timedelta(days=n + 1))
    response = client_for(staff).get(AWARDS)
    names = [award.name for award in response.context["closed_awards"]]
    assert names == [f"Past award {n:02}" for n in range(10)]
    html = response.content.decode()
    assert reverse("recognition:past_awards") in html
    assert "Past award 11" not in html
    page = client_for(staff).get(reverse("recognition:past_awards"))
    assert page.status_code == 200
    assert "Past award 11" in page.content.decode()


def test_catalogue_links_to_past_awards_only_when_there_are_more(client_for, staff, past_award):
    html = client_for(staff).get(AWARDS).content.decode()
    assert "Regional Pharmacy Award" in html
    assert reverse("recognition:past_awards") not in html


@pytest.mark.parametrize("count", [1, 30])
def test_past_awards_page_is_paginated_and_its_query_count_does_not_grow(
    client_for, staff, count, django_assert_max_num_queries
):
    for n in range(count):
        AwardFactory(name=f"Past {n}", deadline=timezone.localdate() - dt.timedelta(days=n + 1))
    client = client_for(staff)
    # session, user, person, champion areas; count; the page of awards.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("recognition:past_awards"))
    assert len(response.context["page"].object_list) == min(count, 25)


def test_the_deadline_day_itself_still_takes_nominations(db):
    today = timezone.localdate()
    assert not AwardFactory(deadline=today).is_past_deadline
    assert AwardFactory(deadline=today - dt.timedelta(days=1)).is_past_deadline
    assert not AwardFactory(deadline=None).is_past_deadline


# Query counts: the same bound with 1 row and with 30.


def _nominations(count, *, award, department, nominator):
    kinds = ["person", "team", "project"]
    for n in range(count):
        kind = kinds[n % 3]
        person = PersonFactory(department=department)
        nomination = NominationFactory(
            award=award if n % 2 else AwardFactory(),
            nominee_kind=kind,
            person=person if kind == "person" else None,
            team_name=f"Team {n}" if kind == "team" else "",
            project=ProjectFactory(lead=person) if kind == "project" else None,
            nominated_by=nominator,
            status=[Status.SUBMITTED, Status.WON, Status.SHORTLISTED][n % 3],
            status_changed_at=timezone.now(),
        )
        if kind == "team":
            nomination.team_members.set([person, nominator])


@pytest.mark.parametrize("count", [1, 30])
def test_catalogue_query_count_does_not_grow(
    client_for, champion, pharmacy, award, count, django_assert_max_num_queries
):
    for n in range(count):
        AwardFactory(name=f"Open award {n}")
        AwardFactory(
            name=f"Past award {n}", deadline=timezone.localdate() - dt.timedelta(days=n + 1)
        )
    _nominations(count, award=award, department=pharmacy, nominator=champion)
    client = client_for(champion)
    # session, user, person, champion areas; open awards; closed awards; recent wins with
    # award, nominee and nominator.
    with django_assert_max_num_queries(7):
        client.get(AWARDS)


@pytest.mark.parametrize("count", [1, 30])
def test_nominations_list_query_count_does_not_grow(
    client_for, champion, pharmacy, award, count, django_assert_max_num_queries
):
    _nominations(count, award=award, department=pharmacy, nominator=champion)
    client = client_for(champion)
    # session, user, person, champion areas; awards for the filter; count; the page of
    # nominations with award, nominee and nominator.
    with django_assert_max_num_queries(7):
        response = client.get(MANAGE, {"status": ""})
    assert len(response.context["page"].object_list) == min(count, 25)


@pytest.mark.parametrize("count", [1, 30])
def test_my_nominations_query_count_does_not_grow(
    client_for, champion, pharmacy, award, count, django_assert_max_num_queries
):
    _nominations(count, award=award, department=pharmacy, nominator=champion)
    client = client_for(champion)
    # session, user, person, champion areas; count; the page with award, nominee, nominator.
    with django_assert_max_num_queries(6):
        client.get(MINE)


@pytest.mark.parametrize("count", [1, 30])
def test_nomination_page_query_count_does_not_grow(
    client_for, champion, pharmacy, award, count, django_assert_max_num_queries
):
    nominator = PersonFactory(department=pharmacy)
    team = NominationFactory(
        award=award, nominee_kind="team", person=None, team_name="Big team", nominated_by=nominator
    )
    team.team_members.set([PersonFactory(department=pharmacy) for _ in range(count)])
    for status in ("shortlisted", "won"):
        services.nomination_set_status(nomination_id=team.pk, status=status, changed_by=champion)
    client = client_for(champion)
    # session, user, person, champion areas; the nomination with award, nominee and nominator;
    # whether the champion has a stake in it (for the status form); team members; its history
    # with who changed it.
    with django_assert_max_num_queries(8):
        html = client.get(reverse("recognition:nomination", args=[team.pk])).content.decode()
    assert "Update status" in html


@pytest.mark.parametrize("count", [1, 30])
def test_nominate_page_query_count_does_not_grow(
    client_for, staff, pharmacy, acute_medicine, award, count, django_assert_max_num_queries
):
    for _ in range(count):
        PersonFactory(department=pharmacy, clinical_areas=[acute_medicine])
    client = client_for(staff)
    # session, user, person; the award; the nominator's department; champion areas; the
    # projects. The pickers list nobody until someone is chosen or searched for.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("recognition:nominate", args=[award.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_recognition_costs_one_query_on_profile_and_project_pages(
    client_for, champion, staff, project, count, django_assert_max_num_queries
):
    client = client_for(champion)
    pages = [
        reverse("people:profile", args=[staff.pk]),
        reverse("projects:detail", args=[project.pk]),
    ]
    client.get(pages[0])
    # The pages' own queries are counted by their own tests (test_profile_query_count_does_not_grow,
    # test_detail_page_query_count_is_bounded); here: what recognition adds to them.
    queries_without_nominations = {}
    for url in pages:
        with CaptureQueriesContext(connection) as context:
            client.get(url)
        queries_without_nominations[url] = len(context)
    colleague = PersonFactory(department=staff.department)
    co_led = ProjectFactory(title="Co-led project", lead=colleague, co_leads=[staff])
    member_of = ProjectFactory(title="Project staff works on", lead=colleague)
    Membership.objects.create(project=member_of, person=staff, role_title="Data collector")
    for n in range(count):
        NominationFactory(person=staff, nominated_by=champion, status=Status.WON)
        for nominated in (project, co_led, member_of):
            NominationFactory(
                nominee_kind="project",
                person=None,
                project=nominated,
                nominated_by=champion,
                award=AwardFactory(name=f"Award {n} for {nominated.title}"),
            )
        team = NominationFactory(
            nominee_kind="team", person=None, team_name=f"Team {n}", nominated_by=champion
        )
        team.team_members.set([staff])
    # The profile: staff's own, their teams', and those of the three projects staff is on; the
    # project page: the project's own only.
    listed = {pages[0]: 5 * count, pages[1]: count}
    for url in pages:
        with django_assert_max_num_queries(queries_without_nominations[url]) as context:
            html = client.get(url).content.decode()
        reading_nominations = [
            q for q in context.captured_queries if '"recognition_nomination"' in q["sql"]
        ]
        assert len(reading_nominations) == 1, url
        assert html.count(", nomination of ") == listed[url], url


# Concurrency: real transactions racing on one nomination.


@pytest.mark.django_db(transaction=True)
def test_submitting_and_deleting_a_draft_at_once_leaves_one_outcome(pharmacy, award):
    nominator = PersonFactory(department=pharmacy)
    for _ in range(10):
        draft = NominationFactory(
            award=award, person=nominator, nominated_by=nominator, status=Status.DRAFT
        )
        results, errors = race(
            lambda d=draft: services.nomination_submit(nomination_id=d.pk, person=nominator),
            lambda d=draft: services.nomination_submit(nomination_id=d.pk, person=nominator),
            lambda d=draft: services.nomination_delete(nomination_id=d.pk, person=nominator),
            expected=(WorkflowError,),
        )
        assert len(results) == 1
        assert len(errors) == 2
        remaining = Nomination.objects.filter(pk=draft.pk).first()
        if remaining is None:  # deleted first: neither submission went through
            assert errors == ["This draft has just been deleted"] * 2
        else:
            assert remaining.status == Status.SUBMITTED
            assert remaining.history.filter(status=Status.SUBMITTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_champions_adding_the_same_award_at_once_list_it_once():
    data = {
        "name": "Pharmacy Technician of the Year",
        "awarding_body": "APTUK",
        "level": "national",
    }
    forms = [AwardForm(data), AwardForm(data)]
    assert all(form.is_valid() for form in forms)  # each checked before the other saved
    results, errors = race(
        *(lambda form=form: services.award_save(form=form) for form in forms),
        expected=(WorkflowError,),
    )
    assert len(results) == 1
    assert errors == ["This award from this awarding body is already in the catalogue"]
    assert Award.objects.count() == 1
