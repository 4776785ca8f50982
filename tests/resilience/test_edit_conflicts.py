"""Two people editing the same project at once: the second save is refused, never silent.

Each edit page carries the project's version as a hidden field; the edit service compares it
with the stored version under a row lock and raises it by one when it saves.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from measurement.models import Measure, PDSACycle, ProjectImpact, Saving, all_spc_rules
from projects.models import Project
from tests.factories import (
    AppraisalNoteFactory,
    ProgressUpdateFactory,
    RoleOpeningFactory,
    ShowcaseSessionFactory,
    TaskFactory,
)
from tests.helpers import project_edit_data, race

CONFLICT = "Someone else changed this project since you opened it"


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def opened_version(client: Client, project: Project) -> int:
    """The version an edit page was opened at, read from its hidden field."""
    html = client.get(reverse("projects:edit", args=[project.pk])).content.decode()
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def save(client: Client, project: Project, version: int, **changes):
    return client.post(
        reverse("projects:edit", args=[project.pk]),
        project_edit_data(project, version=version, **changes),
    )


def test_a_save_raises_the_version_and_an_unchanged_save_does_not(staff, project):
    lead = signed_in(staff)
    assert save(lead, project, opened_version(lead, project), title="Renamed").status_code == 302
    project.refresh_from_db()
    assert (project.title, project.version) == ("Renamed", 2)
    assert save(lead, project, 2).status_code == 302
    project.refresh_from_db()
    assert project.version == 2


def test_the_second_of_two_editors_is_refused_and_keeps_their_input(staff, champion, project):
    lead, reviewer = signed_in(staff), signed_in(champion)
    seen_by_lead = opened_version(lead, project)
    seen_by_reviewer = opened_version(reviewer, project)

    first = save(reviewer, project, seen_by_reviewer, title="Retitled by the champion")
    assert first.status_code == 302
    second = save(lead, project, seen_by_lead, aim="Halve omitted doses by June.")

    assert second.status_code == 200
    html = second.content.decode()
    # In the error summary, with the lead's input still in the form.
    assert 'class="nhsuk-error-summary"' in html
    assert CONFLICT in html
    assert "Review their changes and save again" in html
    assert "Halve omitted doses by June." in html
    # What saving again would replace: the champion's title, shown as saved now.
    assert "Saved since you opened this page" in html
    assert "Retitled by the champion" in html
    project.refresh_from_db()
    assert project.title == "Retitled by the champion"
    assert project.aim == "Reduce omitted doses of time-critical medicines by 50% within 6 months."
    assert project.version == 2


def test_saving_again_after_the_refusal_is_accepted(staff, champion, project):
    lead, reviewer = signed_in(staff), signed_in(champion)
    seen_by_lead = opened_version(lead, project)
    save(reviewer, project, opened_version(reviewer, project), title="Retitled by the champion")
    refused = save(lead, project, seen_by_lead, aim="Halve omitted doses by June.")
    version_now = int(re.search(r'name="version" value="(\d+)"', refused.content.decode()).group(1))
    assert version_now == 2

    # The lead keeps the champion's title this time and saves their aim.
    project.refresh_from_db()
    assert save(lead, project, version_now, aim="Halve omitted doses by June.").status_code == 302
    project.refresh_from_db()
    assert (project.title, project.aim, project.version) == (
        "Retitled by the champion",
        "Halve omitted doses by June.",
        3,
    )


def test_a_post_without_a_version_is_refused(client_for, staff, project):
    data = project_edit_data(project, title="No version")
    del data["version"]
    response = client_for(staff).post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 200
    assert "This form is out of date" in response.content.decode()
    project.refresh_from_db()
    assert project.title != "No version"


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_at_the_same_instant_one_wins(staff, champion, project):
    clients = {"lead": signed_in(staff), "reviewer": signed_in(champion)}
    for round_ in range(10):
        project.refresh_from_db()
        version = project.version
        results, errors = race(
            *[
                lambda who=who, client=client, v=version, title=f"Round {round_} by {who}": (
                    who,
                    save(client, project, v, title=title),
                )
                for who, client in clients.items()
            ]
        )
        assert errors == []
        codes = sorted(response.status_code for _, response in results)
        assert codes == [200, 302]
        (winner,) = [who for who, response in results if response.status_code == 302]
        (loser,) = [response for _, response in results if response.status_code == 200]
        assert CONFLICT in loser.content.decode()
        project.refresh_from_db()
        assert (project.title, project.version) == (f"Round {round_} by {winner}", version + 1)


# Tasks and role openings: the same pattern through the project's child edit pages.


def child_version(client: Client, url: str) -> int:
    html = client.get(url).content.decode()
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def test_the_second_of_two_task_edits_is_refused_and_keeps_its_input(staff, champion, project):
    task = TaskFactory(project=project, title="Audit fridge temperatures")
    url = reverse("projects:task_edit", args=[project.pk, task.pk])
    lead, reviewer = signed_in(staff), signed_in(champion)
    seen_by_lead, seen_by_reviewer = child_version(lead, url), child_version(reviewer, url)
    task_data = {"title": task.title, "description": "", "estimated_hours": "2"}

    first = reviewer.post(url, {**task_data, "estimated_hours": "3", "version": seen_by_reviewer})
    assert first.status_code == 302
    second = lead.post(url, {**task_data, "title": "Audit ward fridges", "version": seen_by_lead})

    assert second.status_code == 200
    html = second.content.decode()
    assert "Someone else changed this task since you opened it" in html
    assert 'value="Audit ward fridges"' in html
    assert "Saved since you opened this page" in html
    task.refresh_from_db()
    assert (task.title, task.estimated_hours, task.version) == (
        "Audit fridge temperatures",
        Decimal("3"),
        2,
    )
    # Reviewed: the lead keeps the champion's hours and saves the new title.
    again = lead.post(
        url, {**task_data, "title": "Audit ward fridges", "estimated_hours": "3", "version": 2}
    )
    assert again.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.estimated_hours, task.version) == ("Audit ward fridges", 3, 3)


def test_a_stale_role_opening_edit_is_refused(staff, champion, project):
    opening = RoleOpeningFactory(project=project, places=2)
    url = reverse("projects:opening_edit", args=[project.pk, opening.pk])
    lead, reviewer = signed_in(staff), signed_in(champion)
    seen_by_lead = child_version(lead, url)
    data = {"title": opening.title, "places": "2", "commitment_period": "week", "is_open": "on"}
    assert reviewer.post(url, {**data, "places": "4", "version": 1}).status_code == 302

    refused = lead.post(url, {**data, "title": "Data analyst", "version": seen_by_lead})
    assert refused.status_code == 200
    assert "Someone else changed this role opening since you opened it" in (
        refused.content.decode()
    )
    opening.refresh_from_db()
    assert (opening.title, opening.places) == ("Data collector", 4)


# Measures, PDSA cycles, progress updates, a project's impact, savings, showcase sessions and
# appraisal notes: the same version check and the same conflict page. Each case is one record
# opened by two people; `first_change` and `second_change` touch different fields, so the test
# sees whose input is stored.


@dataclass
class TwoEditors:
    noun: str
    record: Model
    url: str
    first: Client
    second: Client
    data: dict  # a valid POST of the record as it is, without the version
    first_change: dict
    second_change: dict

    def stored(self, names) -> dict:
        self.record.refresh_from_db()
        return {name: str(getattr(self.record, name)) for name in names}


def measure_editors(staff, admin, project, **_) -> TwoEditors:
    measure = Measure.objects.create(
        project=project, name="Omitted doses", kind="outcome", unit="%"
    )
    return TwoEditors(
        noun="measure",
        record=measure,
        url=reverse("measurement:measure_edit", args=[project.pk, measure.pk]),
        first=signed_in(admin),
        second=signed_in(staff),
        data={
            "name": "Omitted doses",
            "kind": "outcome",
            "definition": "",
            "unit": "%",
            "improvement_direction": "increase",
            "target": "",
            "chart_type": "spc",
            "baseline_points": "",
            "rebase_dates": "",
            "screen_outliers": "on",
            "rule_length": "7",
            "rules": all_spc_rules(),
        },
        first_change={"unit": "doses"},
        second_change={"name": "Omitted critical doses"},
    )


def pdsa_cycle_editors(staff, admin, project, **_) -> TwoEditors:
    cycle = PDSACycle.objects.create(
        project=project,
        number=1,
        change_idea="Pharmacist checks the drug charts at 10am",
        start_date=dt.date(2026, 3, 2),
        created_by=staff,
    )
    return TwoEditors(
        noun="PDSA cycle",
        record=cycle,
        url=reverse("measurement:pdsa_edit", args=[project.pk, cycle.pk]),
        first=signed_in(admin),
        second=signed_in(staff),
        data={
            "change_idea": cycle.change_idea,
            "start_date": "2026-03-02",
            "end_date": "",
            "prediction": "",
            "plan": "",
            "do": "",
            "study": "",
            "act": "",
            "act_notes": "",
        },
        first_change={"study": "Omissions fell from 12 to 5 a week"},
        second_change={"change_idea": "Pharmacist checks the drug charts at 9am"},
    )


def progress_update_editors(staff, champion, project, **_) -> TwoEditors:
    update = ProgressUpdateFactory(project=project, date=dt.date(2026, 3, 2))
    return TwoEditors(
        noun="progress update",
        record=update,
        url=reverse("projects:update_edit", args=[project.pk, update.pk]),
        first=signed_in(champion),
        second=signed_in(staff),
        data={
            "date": "2026-03-02",
            "initial-date": "2026-03-02",  # the page's hidden initial: the date has a default
            "done": update.done,
            "next_steps": "",
            "blockers": "",
        },
        first_change={"blockers": "No pharmacist cover on Fridays"},
        second_change={"next_steps": "Audit 30 drug charts on ward 4"},
    )


def impact_editors(staff, admin, project, **_) -> TwoEditors:
    impact = ProjectImpact.objects.create(
        project=project, patients_affected=120, patient_benefits=["safety"]
    )
    return TwoEditors(
        noun="project impact",
        record=impact,
        url=reverse("measurement:impact_edit", args=[project.pk]),
        first=signed_in(admin),
        second=signed_in(staff),
        data={
            "staff_hours_saved_per_month": "",
            "patients_affected": "120",
            "patient_benefits": ["safety"],
            "patient_benefit_narrative": "",
        },
        first_change={"patients_affected": "340"},
        second_change={"patient_benefit_narrative": "Fewer missed doses of Parkinson's drugs"},
    )


def saving_editors(staff, admin, project, **_) -> TwoEditors:
    saving = Saving.objects.create(
        project=project,
        description="Switch to biosimilar adalimumab",
        amount=Decimal("1250.00"),
        claimed_by=staff,
    )
    return TwoEditors(
        noun="saving",
        record=saving,
        url=reverse("measurement:saving_edit", args=[project.pk, saving.pk]),
        first=signed_in(admin),
        second=signed_in(staff),
        data={"description": saving.description, "amount": "1250.00", "kind": "recurring"},
        first_change={"amount": "1500.00"},
        second_change={"description": "Switch to biosimilar adalimumab and etanercept"},
    )


def showcase_session_editors(champion, admin, pharmacy, **_) -> TwoEditors:
    starts = timezone.localtime(timezone.now() + dt.timedelta(days=14)).replace(
        hour=13, minute=30, second=0, microsecond=0
    )
    session = ShowcaseSessionFactory(department=pharmacy, starts_at=starts)
    return TwoEditors(
        noun="showcase session",
        record=session,
        url=reverse("recognition:showcase_session_edit", args=[session.pk]),
        first=signed_in(admin),
        second=signed_in(champion),
        data={
            "title": "Clinical update",
            "date": starts.date().isoformat(),
            "start_time": "13:30",
            "place": "Pharmacy seminar room",
            "slot_count": "3",
            "slot_minutes": "10",
            "notes": "",
        },
        first_change={"place": "Education centre room 2"},
        second_change={"title": "Spring clinical update"},
    )


def appraisal_note_editors(staff, manager, **_) -> TwoEditors:
    # Only the manager who wrote a note edits it: here in two places at once (ward PC, laptop).
    note = AppraisalNoteFactory(
        person=staff, period_start=dt.date(2025, 4, 1), period_end=dt.date(2026, 3, 31)
    )
    return TwoEditors(
        noun="appraisal note",
        record=note,
        url=reverse("recognition:appraisal_note_edit", args=[note.pk]),
        first=signed_in(manager),
        second=signed_in(manager),
        data={"period_start": "2025-04-01", "period_end": "2026-03-31", "note": note.note},
        first_change={"period_end": "2026-03-30"},
        second_change={"note": "Led the omitted doses project and mentored two technicians"},
    )


EDITORS = {
    "measure": measure_editors,
    "pdsa_cycle": pdsa_cycle_editors,
    "progress_update": progress_update_editors,
    "impact": impact_editors,
    "saving": saving_editors,
    "showcase_session": showcase_session_editors,
    "appraisal_note": appraisal_note_editors,
}


@pytest.fixture(params=EDITORS)
def two_editors(request, staff, champion, manager, admin, project, pharmacy) -> TwoEditors:
    return EDITORS[request.param](
        staff=staff,
        champion=champion,
        manager=manager,
        admin=admin,
        project=project,
        pharmacy=pharmacy,
    )


def test_the_second_of_two_editors_of_any_record_is_refused_and_keeps_their_input(two_editors):
    edit = two_editors
    seen_by_first, seen_by_second = (
        child_version(edit.first, edit.url),
        child_version(edit.second, edit.url),
    )
    assert seen_by_first == seen_by_second == 1
    before = edit.stored([*edit.first_change, *edit.second_change])

    first = edit.first.post(edit.url, {**edit.data, **edit.first_change, "version": 1})
    assert first.status_code == 302
    second = edit.second.post(edit.url, {**edit.data, **edit.second_change, "version": 1})

    assert second.status_code == 200
    html = second.content.decode()
    assert 'class="nhsuk-error-summary"' in html
    assert f"Someone else changed this {edit.noun} since you opened it" in html
    assert "Review their changes and save again" in html
    for value in edit.second_change.values():
        assert escape(value) in html  # the second editor's input, kept in the form
    assert "Saved since you opened this page" in html
    assert re.search(r'name="version" value="2"', html)
    # The first editor's save stands; the second wrote nothing.
    assert edit.stored(edit.first_change) == edit.first_change
    assert edit.stored(edit.second_change) == {name: before[name] for name in edit.second_change}
    assert edit.record.version == 2

    # Reviewed: the second editor keeps the first's change and saves their own.
    both = {**edit.first_change, **edit.second_change}
    again = edit.second.post(edit.url, {**edit.data, **both, "version": 2})
    assert again.status_code == 302
    assert edit.stored(both) == both
    assert edit.record.version == 3


def test_an_edit_that_changes_nothing_keeps_the_version(two_editors):
    edit = two_editors
    assert edit.first.post(edit.url, {**edit.data, "version": 1}).status_code == 302
    edit.record.refresh_from_db()
    assert edit.record.version == 1


def test_the_second_of_two_first_impact_records_is_refused(staff, admin, project):
    """The impact page records the project's impact whether or not it has one yet: two people
    who open it before anyone has saved it must not both create it, the second unseen."""
    url = reverse("measurement:impact_edit", args=[project.pk])
    lead, other = signed_in(staff), signed_in(admin)
    seen_by_lead, seen_by_other = child_version(lead, url), child_version(other, url)
    assert seen_by_lead == seen_by_other == 0  # nothing saved yet
    data = {"staff_hours_saved_per_month": "", "patients_affected": "", "patient_benefits": []}

    assert other.post(url, {**data, "patients_affected": "340", "version": 0}).status_code == 302
    refused = lead.post(url, {**data, "staff_hours_saved_per_month": "12.5", "version": 0})

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Someone else changed this project impact since you opened it" in html
    assert 'value="12.5"' in html
    impact = ProjectImpact.objects.get(project=project)
    assert (impact.patients_affected, impact.staff_hours_saved_per_month, impact.version) == (
        340,
        None,
        1,
    )


def test_a_saving_validated_meanwhile_is_not_an_edit_conflict(staff, champion, project):
    """Validation is a workflow step, not an edit: it does not raise the version, and editing
    only the description keeps it."""
    saving = Saving.objects.create(
        project=project, description="Biosimilar switch", amount=Decimal("900"), claimed_by=staff
    )
    url = reverse("measurement:saving_edit", args=[project.pk, saving.pk])
    lead = signed_in(staff)
    version = child_version(lead, url)
    validate = reverse("measurement:saving_validate", args=[project.pk, saving.pk])
    assert signed_in(champion).post(validate, {"claimed_amount": "900.00"}).status_code == 302

    data = {"description": "Biosimilar adalimumab", "amount": "900.00", "kind": "recurring"}
    assert lead.post(url, {**data, "version": version}).status_code == 302
    saving.refresh_from_db()
    assert (saving.description, saving.validated_by, saving.version) == (
        "Biosimilar adalimumab",
        champion,
        2,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["measure", "showcase_session"])
def test_two_saves_of_a_record_at_the_same_instant_one_wins(
    kind, staff, champion, manager, admin, project, pharmacy
):
    edit = EDITORS[kind](
        staff=staff,
        champion=champion,
        manager=manager,
        admin=admin,
        project=project,
        pharmacy=pharmacy,
    )
    (field,) = edit.second_change
    clients = {"first": edit.first, "second": edit.second}
    for round_ in range(5):
        edit.record.refresh_from_db()
        version = edit.record.version
        results, errors = race(
            *[
                lambda who=who, client=client, v=version, value=f"Round {round_} by {who}": (
                    who,
                    client.post(edit.url, {**edit.data, field: value, "version": v}),
                )
                for who, client in clients.items()
            ]
        )
        assert errors == []
        assert sorted(response.status_code for _, response in results) == [200, 302]
        (winner,) = [who for who, response in results if response.status_code == 302]
        (loser,) = [response for _, response in results if response.status_code == 200]
        assert f"Someone else changed this {edit.noun} since you opened it" in (
            loser.content.decode()
        )
        assert edit.stored([field]) == {field: f"Round {round_} by {winner}"}
        assert edit.record.version == version + 1


@pytest.mark.django_db(transaction=True)
def test_two_first_impact_records_at_the_same_instant_one_wins(staff, admin, project):
    url = reverse("measurement:impact_edit", args=[project.pk])
    clients = {"lead": signed_in(staff), "admin": signed_in(admin)}
    data = {"staff_hours_saved_per_month": "", "patient_benefits": [], "version": 0}
    results, errors = race(
        *[
            lambda who=who, client=client, n=n: (
                who,
                client.post(url, {**data, "patients_affected": str(n)}),
            )
            for n, (who, client) in enumerate(clients.items(), start=1)
        ]
    )
    assert errors == []
    assert sorted(response.status_code for _, response in results) == [200, 302]
    impact = ProjectImpact.objects.get(project=project)
    (winner,) = [
        n for n, (_, response) in enumerate(results, start=1) if response.status_code == 302
    ]
    assert (impact.patients_affected, impact.version) == (winner, 1)


def test_the_history_linked_from_a_measure_conflict_shows_the_change(staff, admin, project):
    """The panel links to the project's history, which holds its measures' changes too."""
    edit = measure_editors(staff=staff, admin=admin, project=project)
    edit.first.post(edit.url, {**edit.data, **edit.first_change, "version": 1})
    refused = edit.second.post(edit.url, {**edit.data, **edit.second_change, "version": 1})
    history_url = reverse("projects:history", args=[project.pk])
    assert f'href="{history_url}"' in refused.content.decode()
    html = edit.second.get(history_url).content.decode()
    assert "Changed measure: Omitted doses" in html
    assert "% → doses" in html
