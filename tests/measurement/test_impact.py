"""A project's impact, savings (claimed by the team, validated by champions outside it) and PDSA
cycles: the permission matrix, the forms' messages, the workflows and the project-page section."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from measurement.forms import ImpactForm, PDSACycleForm
from measurement.models import DataPoint, Measure, PDSACycle, ProjectImpact, Saving
from measurement.services import impact_record, pdsa_move, pdsa_save
from projects.models import Membership
from tests.factories import ChampionAssignmentFactory, PersonFactory, ProjectFactory
from tests.helpers import race

# persona -> status on the team's pages (impact, savings, PDSA cycles) of a submitted project
TEAM_MATRIX = [
    ("staff", 200),  # the lead
    ("member", 200),  # a current team member
    ("admin", 200),
    ("champion", 403),  # champions validate savings but do not edit the team's record
    ("manager", 403),
    ("colleague", 403),  # same department, not on the team
    ("outsider", 403),  # another department: sees submitted projects, edits nothing
]
# persona -> status on the validate page
VALIDATE_MATRIX = [
    ("champion", 200),  # champion of the project's area, not on its team
    ("admin", 200),
    ("team_champion", 403),  # a champion of the area who is a co-lead
    ("staff", 403),
    ("member", 403),
    ("manager", 403),
    ("colleague", 403),
    ("outsider", 403),
]
EVERYONE = [
    "staff",
    "member",
    "admin",
    "champion",
    "team_champion",
    "manager",
    "colleague",
    "outsider",
]


@pytest.fixture
def member(pharmacy, project):
    person = PersonFactory(department=pharmacy, display_name="Mo Member")
    Membership.objects.create(project=project, person=person, role_title="Data collector")
    return person


@pytest.fixture
def colleague(pharmacy):
    return PersonFactory(department=pharmacy, display_name="Colin League")


@pytest.fixture
def team_champion(pharmacy, acute_medicine, project):
    person = PersonFactory(department=pharmacy, display_name="Tess Champion")
    ChampionAssignmentFactory(person=person, clinical_area=acute_medicine)
    project.co_leads.add(person)
    return person


def _as(request, client_for, persona):
    return client_for(request.getfixturevalue(persona))


def make_saving(project, *, amount="1200.00", validated=None, **fields) -> Saving:
    saving = Saving.objects.create(
        project=project,
        description=fields.pop("description", "Switch to biosimilar adalimumab"),
        amount=Decimal(amount),
        claimed_by=fields.pop("claimed_by", project.lead),
        **fields,
    )
    if validated is not None:
        saving.validated_amount = Decimal(validated[0])
        saving.validated_by = validated[1]
        saving.validated_at = timezone.now()
        saving.save()
    return saving


def make_cycle(project, number, **fields) -> PDSACycle:
    return PDSACycle.objects.create(
        project=project,
        number=number,
        change_idea=fields.pop("change_idea", f"Change idea {number}"),
        start_date=fields.pop("start_date", dt.date(2026, 1, number)),
        created_by=project.lead,
        **fields,
    )


def make_measure(project, name="Omitted critical doses", points=0, **fields) -> Measure:
    measure = Measure.objects.create(
        project=project, name=name, kind=fields.pop("kind", Measure.Kind.OUTCOME), **fields
    )
    for day in range(points):
        DataPoint.objects.create(
            measure=measure, date=dt.date(2026, 1, 1) + dt.timedelta(days=day), value=10 + day
        )
    return measure


def _team_urls(project) -> dict[str, str]:
    saving = make_saving(project)
    cycle = make_cycle(project, 1)
    pk = project.pk
    return {
        "impact_edit": reverse("measurement:impact_edit", args=[pk]),
        "saving_create": reverse("measurement:saving_create", args=[pk]),
        "saving_edit": reverse("measurement:saving_edit", args=[pk, saving.pk]),
        "saving_delete": reverse("measurement:saving_delete", args=[pk, saving.pk]),
        "pdsa_create": reverse("measurement:pdsa_create", args=[pk]),
        "pdsa_edit": reverse("measurement:pdsa_edit", args=[pk, cycle.pk]),
    }


def _snapshot(project) -> tuple:
    """Everything the team's pages can change."""
    return (
        list(ProjectImpact.objects.filter(project=project).values()),
        list(Saving.objects.filter(project=project).values()),
        list(PDSACycle.objects.filter(project=project).values()),
    )


# Who may do what.


@pytest.mark.parametrize(("persona", "status"), TEAM_MATRIX)
def test_team_pages_open_to_the_team_and_admins_only(
    request, client_for, project, member, colleague, persona, status
):
    urls = _team_urls(project)
    client = _as(request, client_for, persona)
    for name, url in urls.items():
        assert client.get(url).status_code == status, name


@pytest.mark.parametrize(("persona", "status"), [row for row in TEAM_MATRIX if row[1] == 403])
def test_team_posts_are_refused_to_everyone_else_and_change_nothing(
    request, client_for, project, member, colleague, persona, status
):
    urls = _team_urls(project)
    cycle = project.pdsa_cycles.get()
    make_cycle(project, 2)
    urls["pdsa_move"] = reverse("measurement:pdsa_move", args=[project.pk, cycle.pk])
    before = _snapshot(project)
    client = _as(request, client_for, persona)
    data = {
        "description": "Hijacked",
        "amount": "5",
        "kind": "one_off",
        "staff_hours_saved_per_month": "99",
        "change_idea": "Hijacked",
        "start_date": "2026-01-01",
        "direction": "down",
    }
    for name, url in urls.items():
        assert client.post(url, data).status_code == 403, name
    assert _snapshot(project) == before


@pytest.mark.parametrize(("persona", "status"), VALIDATE_MATRIX)
def test_only_champions_outside_the_team_and_admins_validate(
    request, client_for, project, member, colleague, team_champion, persona, status
):
    saving = make_saving(project)
    url = reverse("measurement:saving_validate", args=[project.pk, saving.pk])
    client = _as(request, client_for, persona)
    assert client.get(url).status_code == status
    response = client.post(url, {"validated_amount": "", "validation_note": "Checked"})
    assert response.status_code == (302 if status == 200 else 403)
    saving.refresh_from_db()
    assert saving.is_validated == (status == 200)


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_signed_in_person_reads_a_submitted_projects_pdsa_cycle(
    request, client_for, project, member, colleague, team_champion, persona
):
    cycle = make_cycle(project, 1, change_idea="Red aprons on drug rounds")
    response = _as(request, client_for, persona).get(
        reverse("measurement:pdsa_detail", args=[project.pk, cycle.pk])
    )
    assert response.status_code == 200
    assert "Red aprons on drug rounds" in response.content.decode()


@pytest.mark.parametrize("persona", ["manager", "colleague", "outsider"])
def test_those_who_cannot_see_a_draft_get_404_on_all_its_pages(
    request, client_for, draft, colleague, persona
):
    urls = _team_urls(draft)
    saving, cycle = draft.savings.get(), draft.pdsa_cycles.get()
    urls["saving_validate"] = reverse("measurement:saving_validate", args=[draft.pk, saving.pk])
    urls["pdsa_detail"] = reverse("measurement:pdsa_detail", args=[draft.pk, cycle.pk])
    urls["pdsa_move"] = reverse("measurement:pdsa_move", args=[draft.pk, cycle.pk])
    client = _as(request, client_for, persona)
    for name, url in urls.items():
        # A page that only reads refuses POST before it looks the project up: nothing leaks.
        assert client.post(url).status_code == (405 if name == "pdsa_detail" else 404), name
        if name != "pdsa_move":
            assert client.get(url).status_code == 404, name


def test_champion_sees_a_draft_but_edits_none_of_its_measurement(client_for, champion, draft):
    urls = _team_urls(draft)
    client = client_for(champion)
    for name, url in urls.items():
        assert client.get(url).status_code == 403, name
    saving = draft.savings.get()
    validate = reverse("measurement:saving_validate", args=[draft.pk, saving.pk])
    assert client.get(validate).status_code == 200


def test_anonymous_is_sent_to_sign_in_everywhere(client, project):
    urls = _team_urls(project)
    saving, cycle = project.savings.get(), project.pdsa_cycles.get()
    urls["saving_validate"] = reverse("measurement:saving_validate", args=[project.pk, saving.pk])
    urls["pdsa_detail"] = reverse("measurement:pdsa_detail", args=[project.pk, cycle.pk])
    urls["pdsa_move"] = reverse("measurement:pdsa_move", args=[project.pk, cycle.pk])
    for name, url in urls.items():
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, name
            assert response["Location"].startswith("/login/?next="), name


def test_moving_a_cycle_is_post_only(client_for, staff, project):
    cycle = make_cycle(project, 1)
    url = reverse("measurement:pdsa_move", args=[project.pk, cycle.pk])
    assert client_for(staff).get(url).status_code == 405


def test_another_projects_saving_or_cycle_is_404(client_for, staff, project, acute_medicine):
    other = ProjectFactory(clinical_areas=[acute_medicine])
    saving, cycle = make_saving(other), make_cycle(other, 1)
    client = client_for(staff)
    for url in (
        reverse("measurement:saving_edit", args=[project.pk, saving.pk]),
        reverse("measurement:saving_delete", args=[project.pk, saving.pk]),
        reverse("measurement:pdsa_edit", args=[project.pk, cycle.pk]),
        reverse("measurement:pdsa_detail", args=[project.pk, cycle.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(
        reverse("measurement:pdsa_move", args=[project.pk, cycle.pk])
    ).status_code == (404)


# Impact.


def test_team_records_impact_and_who_updated_it(client_for, staff, member, project):
    url = reverse("measurement:impact_edit", args=[project.pk])
    data = {
        "staff_hours_saved_per_month": "12.5",
        "patients_affected": "340",
        "patient_benefits": ["safety", "experience"],
        "patient_benefit_narrative": "Fewer missed Parkinson's doses.",
        "version": 0,  # no impact recorded yet
    }
    response = client_for(staff).post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("#measurement")
    impact = ProjectImpact.objects.get(project=project)
    assert impact.staff_hours_saved_per_month == Decimal("12.5")
    assert (impact.patients_affected, impact.updated_by) == (340, staff)
    assert impact.patient_benefits == ["safety", "experience"]

    client_for(member).post(url, {**data, "patients_affected": "400", "version": 1})
    impact = ProjectImpact.objects.get(project=project)
    assert (impact.patients_affected, impact.updated_by) == (400, member)
    assert [h.history_user for h in impact.history.order_by("history_id")] == [
        staff.user,
        member.user,
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("staff_hours_saved_per_month", "-2", "Time saved cannot be negative"),
        ("patients_affected", "-5", "Patients affected cannot be negative"),
    ],
)
def test_negative_impact_figures_are_refused_at_the_field(
    client_for, staff, project, field, value, message
):
    response = client_for(staff).post(
        reverse("measurement:impact_edit", args=[project.pk]), {field: value}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="#id_{field}">{message}</a>' in html  # the error summary
    assert html.count(message) == 2  # and at the field
    assert not ProjectImpact.objects.filter(project=project).exists()


@pytest.mark.django_db(transaction=True)
def test_two_first_impact_records_at_once_make_one_row(staff, acute_medicine):
    """The second is refused as an edit of a record saved since its form was opened
    (tests/resilience/test_edit_conflicts.py), never a second row or an unseen overwrite."""
    assert connection.vendor == "postgresql"
    project = ProjectFactory(lead=staff, clinical_areas=[acute_medicine])

    def record(hours):
        form = ImpactForm(
            {"staff_hours_saved_per_month": hours, "version": 0},
            instance=ProjectImpact(project=project),
        )
        assert form.is_valid()
        return impact_record(form=form, project=project, updated_by=staff)

    results, errors = race(lambda: record("3"), lambda: record("4"))
    assert len(results) == 1
    assert errors == [
        "Someone else changed this project impact since you opened it: your changes are below "
        "but not saved. Review their changes and save again."
    ]
    assert ProjectImpact.objects.filter(project=project).count() == 1


# Savings.


def test_team_member_claims_a_saving(client_for, member, project):
    response = client_for(member).post(
        reverse("measurement:saving_create", args=[project.pk]),
        {"description": "Switch to generic apixaban", "amount": "15000", "kind": "recurring"},
    )
    assert response.status_code == 302
    saving = project.savings.get()
    assert (saving.amount, saving.kind, saving.claimed_by) == (
        Decimal("15000"),
        Saving.Kind.RECURRING,
        member,
    )
    assert not saving.is_validated
    assert saving.history.get().history_user == member.user


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"description": "", "amount": "10"}, "description", "Say what the saving comes from"),
        ({"description": "X", "amount": ""}, "amount", "Enter the amount claimed in pounds"),
        ({"description": "X", "amount": "ten"}, "amount", "Enter the amount in pounds, for ex"),
        ({"description": "X", "amount": "0"}, "amount", "The amount must be more than £0"),
        ({"description": "X", "amount": "-3"}, "amount", "The amount must be more than £0"),
    ],
)
def test_bad_saving_claims_are_refused_at_the_field(
    client_for, staff, project, data, field, message
):
    response = client_for(staff).post(
        reverse("measurement:saving_create", args=[project.pk]), {"kind": "one_off", **data}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{field}"' in html
    assert message in html
    assert not project.savings.exists()


def test_champion_validates_for_the_claimed_amount_by_default(client_for, champion, project):
    saving = make_saving(project, amount="1200")
    url = reverse("measurement:saving_validate", args=[project.pk, saving.pk])
    response = client_for(champion).post(url, {"validation_note": "Matches the invoices"})
    assert response.status_code == 302
    saving.refresh_from_db()
    assert (saving.validated_amount, saving.validated_by) == (Decimal("1200"), champion)
    assert saving.validation_note == "Matches the invoices"
    assert timezone.now() - saving.validated_at < dt.timedelta(minutes=1)
    assert saving.history.latest().history_user == champion.user


def test_admin_validates_for_less_and_validating_again_replaces_it(
    client_for, admin, champion, project
):
    saving = make_saving(project, amount="1200", validated=("1200", champion))
    url = reverse("measurement:saving_validate", args=[project.pk, saving.pk])
    assert "Validating again replaces" in client_for(admin).get(url).content.decode()
    client_for(admin).post(url, {"validated_amount": "800", "validation_note": "Half a year"})
    saving.refresh_from_db()
    assert (saving.validated_amount, saving.validated_by) == (Decimal("800"), admin)
    assert saving.validation_note == "Half a year"


def test_validating_for_more_than_claimed_is_refused_at_the_field(client_for, champion, project):
    saving = make_saving(project, amount="1200")
    response = client_for(champion).post(
        reverse("measurement:saving_validate", args=[project.pk, saving.pk]),
        {"validated_amount": "1500"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<a href="#id_validated_amount">The validated amount cannot be more than the £1,200.00'
        in (html)
    )
    saving.refresh_from_db()
    assert not saving.is_validated


@pytest.mark.parametrize("part", ["co_lead", "member"])
def test_an_admin_on_the_team_cannot_validate(client_for, admin, project, part):
    if part == "co_lead":
        project.co_leads.add(admin)
    else:
        Membership.objects.create(project=project, person=admin, role_title="Data collector")
    saving = make_saving(project)
    response = client_for(admin).post(
        reverse("measurement:saving_validate", args=[project.pk, saving.pk]), {}
    )
    assert response.status_code == 403
    saving.refresh_from_db()
    assert not saving.is_validated


def test_nobody_validates_their_own_claim(client_for, admin, project):
    saving = make_saving(project, claimed_by=admin)
    response = client_for(admin).post(
        reverse("measurement:saving_validate", args=[project.pk, saving.pk]), {}
    )
    assert "Someone outside the project team validates its savings" in response.content.decode()
    saving.refresh_from_db()
    assert not saving.is_validated


def test_a_claim_changed_since_it_was_opened_is_not_validated_unseen(client_for, champion, project):
    saving = make_saving(project, amount="1200")
    url = reverse("measurement:saving_validate", args=[project.pk, saving.pk])
    assert 'name="claimed_amount" value="1200' in client_for(champion).get(url).content.decode()
    Saving.objects.filter(pk=saving.pk).update(amount=Decimal("5000"))
    response = client_for(champion).post(url, {"claimed_amount": "1200.00"})
    assert "The claim has changed to £5,000.00 since you opened it" in response.content.decode()
    saving.refresh_from_db()
    assert not saving.is_validated


def test_editing_a_cycle_after_it_moved_keeps_its_new_place(staff, project):
    first, second = make_cycle(project, 1), make_cycle(project, 2)
    form = PDSACycleForm(
        _cycle_data(change_idea="Renamed"),
        instance=PDSACycle.objects.get(pk=second.pk),
        project=project,
    )
    assert form.is_valid(), form.errors
    # Another user moves it to the top between reading the form and saving it.
    PDSACycle.objects.filter(pk=first.pk).update(number=0)
    PDSACycle.objects.filter(pk=second.pk).update(number=1)
    PDSACycle.objects.filter(pk=first.pk).update(number=2)
    pdsa_save(form=form, project=project, author=staff)
    numbers = dict(PDSACycle.objects.values_list("change_idea", "number"))
    assert numbers["Renamed"] == 1
    assert sorted(numbers.values()) == [1, 2]


def test_changing_the_amount_clears_the_validation_and_says_so(
    client_for, staff, champion, project
):
    saving = make_saving(project, amount="1200", validated=("1000", champion))
    url = reverse("measurement:saving_edit", args=[project.pk, saving.pk])
    page = client_for(staff).get(url).content.decode()
    assert "If you change the amount or the kind, the validation is cleared" in page
    response = client_for(staff).post(
        url,
        {"description": saving.description, "amount": "1500", "kind": saving.kind, "version": 1},
        follow=True,
    )
    assert "Its validation was cleared because the amount or kind changed" in (
        response.content.decode()
    )
    saving.refresh_from_db()
    assert saving.amount == Decimal("1500")
    assert (saving.validated_amount, saving.validated_by, saving.validated_at) == (None,) * 3


def test_changing_only_the_description_keeps_the_validation(client_for, staff, champion, project):
    saving = make_saving(project, amount="1200", validated=("1000", champion))
    client_for(staff).post(
        reverse("measurement:saving_edit", args=[project.pk, saving.pk]),
        {
            "description": "Biosimilar switch, ward 4",
            "amount": "1200.00",
            "kind": saving.kind,
            "version": 1,
        },
    )
    saving.refresh_from_db()
    assert saving.description == "Biosimilar switch, ward 4"
    assert (saving.validated_amount, saving.validated_by) == (Decimal("1000"), champion)


def test_bad_edit_of_a_saving_changes_nothing(client_for, staff, champion, project):
    saving = make_saving(project, amount="1200", validated=("1000", champion))
    response = client_for(staff).post(
        reverse("measurement:saving_edit", args=[project.pk, saving.pk]),
        {"description": "", "amount": "0", "kind": saving.kind},
    )
    assert response.status_code == 200
    assert "The amount must be more than £0" in response.content.decode()
    saving.refresh_from_db()
    assert (saving.amount, saving.validated_by) == (Decimal("1200"), champion)


def test_team_deletes_a_claim_after_confirming(client_for, staff, project):
    saving = make_saving(project)
    url = reverse("measurement:saving_delete", args=[project.pk, saving.pk])
    page = client_for(staff).get(url).content.decode()
    assert "Yes, delete this saving" in page
    back = reverse("projects:detail", args=[project.pk]) + "#savings"
    assert f'<a class="nhsuk-link" href="{back}">No, keep it</a>' in page
    assert project.savings.exists()
    response = client_for(staff).post(url)
    assert response.status_code == 302
    assert not project.savings.exists()
    assert Saving.history.filter(id=saving.pk, history_type="-").get().history_user == staff.user


def test_a_validated_saving_cannot_be_deleted(client_for, staff, champion, project):
    saving = make_saving(project, validated=("1000", champion))
    url = reverse("measurement:saving_delete", args=[project.pk, saving.pk])
    page = client_for(staff).get(url).content.decode()
    assert "cannot be deleted" in page
    assert "Yes, delete this saving" not in page
    response = client_for(staff).post(url, follow=True)
    assert "is part of the project&#x27;s record and cannot be deleted" in (
        response.content.decode()
    )
    assert project.savings.filter(pk=saving.pk).exists()


# PDSA cycles.


def _cycle_data(**changes) -> dict:
    return {
        "change_idea": "Red aprons on drug rounds",
        "start_date": "2026-02-02",
        "end_date": "2026-02-16",
        "prediction": "Interruptions halve",
        "plan": "Ward 4 nurses, two weeks",
        "do": "Worn on 12 of 14 days",
        "study": "Interruptions fell by a third",
        "act": "adapt",
        "act_notes": "Try on ward 5",
        "version": 1,  # what an edit page opened on a cycle never edited carries
        **changes,
    }


def test_cycles_are_numbered_in_order_of_creation(client_for, staff, member, project):
    measure = make_measure(project)
    url = reverse("measurement:pdsa_create", args=[project.pk])
    client_for(staff).post(url, _cycle_data(measures=[measure.pk]))
    client_for(member).post(url, _cycle_data(change_idea="Second test", act=""))
    first, second = project.pdsa_cycles.order_by("number")
    assert (first.number, first.change_idea, first.created_by) == (
        1,
        "Red aprons on drug rounds",
        staff,
    )
    assert list(first.measures.all()) == [measure]
    assert (second.number, second.created_by, second.act) == (2, member, "")


def test_a_cycle_cannot_end_before_it_starts(client_for, staff, project):
    response = client_for(staff).post(
        reverse("measurement:pdsa_create", args=[project.pk]),
        _cycle_data(start_date="2026-03-01", end_date="2026-02-01"),
    )
    html = response.content.decode()
    assert '<a href="#id_end_date">The cycle must end on or after the day it starts</a>' in html
    assert not project.pdsa_cycles.exists()


def test_a_cycle_links_only_its_own_projects_measures(client_for, staff, project, acute_medicine):
    other_measure = make_measure(ProjectFactory(clinical_areas=[acute_medicine]))
    response = client_for(staff).post(
        reverse("measurement:pdsa_create", args=[project.pk]),
        _cycle_data(measures=[other_measure.pk]),
    )
    html = response.content.decode()
    assert 'href="#id_measures"' in html
    assert f"Select a valid choice. {other_measure.pk} is not one of the available choices" in html
    assert not project.pdsa_cycles.exists()


def test_editing_a_cycle_keeps_its_number_and_records_history(client_for, staff, member, project):
    make_cycle(project, 1)
    cycle = make_cycle(project, 2)
    response = client_for(member).post(
        reverse("measurement:pdsa_edit", args=[project.pk, cycle.pk]),
        _cycle_data(change_idea="Renamed idea", act="adopt"),
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.number, cycle.change_idea, cycle.act) == (2, "Renamed idea", "adopt")
    assert cycle.created_by == staff
    assert cycle.history.latest().history_user == member.user


def test_cycle_page_shows_plan_do_study_act_and_its_measures(client_for, outsider, project):
    measure = make_measure(project, name="Interruptions per round")
    fields = _cycle_data(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 1, 20))
    cycle = make_cycle(project, 1, **fields)
    cycle.measures.add(measure)
    html = (
        client_for(outsider)
        .get(reverse("measurement:pdsa_detail", args=[project.pk, cycle.pk]))
        .content.decode()
    )
    for text in [
        "Red aprons on drug rounds",
        "Interruptions halve",
        "Ward 4 nurses, two weeks",
        "Worn on 12 of 14 days",
        "Interruptions fell by a third",
        "Adapt",
        "Try on ward 5",
        "1 January 2026 to 20 January 2026",
        reverse("measurement:measure_detail", args=[project.pk, measure.pk]),
    ]:
        assert text in html, text
    assert reverse("measurement:pdsa_edit", args=[project.pk, cycle.pk]) not in html


def test_team_moves_a_cycle_up_and_down(client_for, staff, project):
    first, second, third = (make_cycle(project, n) for n in (1, 2, 3))
    client = client_for(staff)
    url = reverse("measurement:pdsa_move", args=[project.pk, third.pk])
    response = client.post(url, {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith("#pdsa")
    order = list(project.pdsa_cycles.order_by("number").values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]
    client.post(
        reverse("measurement:pdsa_move", args=[project.pk, first.pk]), {"direction": "down"}
    )
    numbers = dict(project.pdsa_cycles.values_list("pk", "number"))
    assert numbers == {third.pk: 1, first.pk: 2, second.pk: 3}
    # The parking number is never recorded: each move is one change from old to new.
    assert list(third.history.order_by("history_id").values_list("number", flat=True)) == [
        3,
        2,
        1,
    ]
    assert third.history.latest().history_user == staff.user


def test_moving_the_first_cycle_up_changes_nothing_and_says_why(client_for, staff, project):
    first, second = make_cycle(project, 1), make_cycle(project, 2)
    response = client_for(staff).post(
        reverse("measurement:pdsa_move", args=[project.pk, first.pk]),
        {"direction": "up"},
        follow=True,
    )
    assert "PDSA cycle 1 is already first" in response.content.decode()
    assert dict(project.pdsa_cycles.values_list("pk", "number")) == {first.pk: 1, second.pk: 2}


@pytest.mark.django_db(transaction=True)
def test_moves_at_the_same_time_keep_the_numbers_unique(staff, acute_medicine):
    project = ProjectFactory(lead=staff, clinical_areas=[acute_medicine])
    cycles = [make_cycle(project, n) for n in (1, 2, 3)]
    for _ in range(10):
        by_number = {c.number: c for c in project.pdsa_cycles.all()}
        results, errors = race(
            lambda c=by_number[2]: pdsa_move(cycle_id=c.pk, up=True),
            lambda c=by_number[3]: pdsa_move(cycle_id=c.pk, up=True),
        )
        assert errors == []
        assert sorted(project.pdsa_cycles.values_list("number", flat=True)) == [1, 2, 3]
    assert {c.pk for c in project.pdsa_cycles.all()} == {c.pk for c in cycles}


# History and the project page.


def test_project_history_shows_impact_savings_and_cycles(client_for, staff, champion, project):
    client = client_for(staff)
    client.post(
        reverse("measurement:impact_edit", args=[project.pk]),
        {"patients_affected": "12", "version": 0},
    )
    client.post(
        reverse("measurement:saving_create", args=[project.pk]),
        {"description": "Generic apixaban", "amount": "900", "kind": "one_off"},
    )
    client.post(reverse("measurement:pdsa_create", args=[project.pk]), _cycle_data())
    saving = project.savings.get()
    client_for(champion).post(
        reverse("measurement:saving_validate", args=[project.pk, saving.pk]),
        {"validated_amount": "700"},
    )
    html = client.get(reverse("projects:history", args=[project.pk])).content.decode()
    assert "Created impact" in html
    assert "Created saving: Generic apixaban" in html
    assert "Created pdsa cycle: Red aprons on drug rounds" in html
    assert "Changed saving: Generic apixaban" in html
    assert "<strong>Amount validated (£)</strong>: (empty) → 700.00" in html
    assert "<strong>Validated by</strong>: (empty) → Chris Okoro" in html


def test_project_page_shows_the_section_to_the_team(client_for, staff, champion, project):
    ProjectImpact.objects.create(
        project=project,
        staff_hours_saved_per_month=Decimal("6.5"),
        patients_affected=220,
        patient_benefits=["safety", "access"],
        patient_benefit_narrative="Doses on time.",
    )
    waiting = make_saving(project, amount="2500", description="Fewer wasted vials")
    make_saving(project, amount="1200", validated=("1000", champion), description="Generic switch")
    measure = make_measure(project, name="Omitted doses", points=3, unit="%")
    cycle = make_cycle(project, 1, change_idea="Red aprons")
    html = client_for(staff).get(reverse("projects:detail", args=[project.pk])).content.decode()
    for text in [
        '<h2 id="measurement">Measures, PDSA cycles and impact</h2>',
        "6.5 hours a month",
        "220",
        "Safety, Access",
        "Doses on time.",
        "Fewer wasted vials",
        "£2,500.00",
        "Awaiting validation",
        "£1,000.00 by Chris Okoro on",
        "Omitted doses",
        "12 % on 3 Jan 2026",
        'View chart<span class="nhsuk-u-visually-hidden"> of Omitted doses</span>',
        reverse("measurement:measure_detail", args=[project.pk, measure.pk]),
        reverse("measurement:pdsa_detail", args=[project.pk, cycle.pk]),
        "Red aprons",
        ">Record impact</a>",
        ">Claim a saving</a>",
        ">Add a measure</a>",
        ">Add a PDSA cycle</a>",
        reverse("measurement:saving_delete", args=[project.pk, waiting.pk]),
    ]:
        assert text in html, text
    assert "/validate/" not in html


def test_project_page_offers_validation_to_the_champion_only(client_for, champion, project):
    saving = make_saving(project, description="Fewer wasted vials")
    html = client_for(champion).get(reverse("projects:detail", args=[project.pk])).content.decode()
    link = reverse("measurement:saving_validate", args=[project.pk, saving.pk])
    assert (
        f'<a href="{link}">Validate<span class="nhsuk-u-visually-hidden"> saving Fewer wasted '
        "vials</span></a>" in html
    )
    for team_only in ("Record impact", "Claim a saving", "Add a measure", "Add a PDSA cycle"):
        assert team_only not in html
    assert "/edit/" not in html.split('id="measurement"')[1].split('id="showcase"')[0]


def _fill(project, rows: int, champion) -> None:
    for n in range(1, rows + 1):
        measure = make_measure(project, name=f"Measure {n}", points=2)
        cycle = make_cycle(project, n)
        cycle.measures.add(measure)
        make_saving(project, description=f"Saving {n}", validated=("10", champion))
    ProjectImpact.objects.create(project=project, patients_affected=rows)


@pytest.mark.parametrize("persona", ["staff", "champion"])
@pytest.mark.parametrize("rows", [1, 20])
def test_project_page_queries_do_not_grow_with_measures_cycles_or_savings(
    request, client_for, project, champion, persona, rows, django_assert_max_num_queries
):
    _fill(project, rows, champion)
    client = _as(request, client_for, persona)
    # 25 for either: the page without this section takes 21 for the lead; the section adds
    # impact, savings with their validators, measures with point counts and latest values, and
    # cycles. The champion's page has two queries fewer outside the section, two more in it:
    # their current membership, asked by "may they record" and again by "may they validate".
    # One more for the project's other departments involved.
    with django_assert_max_num_queries(26):
        response = client.get(reverse("projects:detail", args=[project.pk]))
    assert f"Measure {rows}" in response.content.decode()
