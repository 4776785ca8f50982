"""Leading and co-leading, counted once per project (`Project.objects.led_by`).

The load test found "lead or co-lead" written as `Q(lead=...) | Q(co_leads=...)`: an OR across
a join that made PostgreSQL read every project for My QI, profiles, portfolios and, once per
person, for My team. These pin the meaning of the faster form.
"""

from projects.models import Project
from tests.factories import ProjectFactory


def test_led_by_finds_led_and_co_led_projects_once_each(staff, manager, champion):
    led = ProjectFactory(lead=staff)
    co_led = ProjectFactory(lead=champion)
    co_led.co_leads.add(staff)
    both = ProjectFactory(lead=staff)
    both.co_leads.add(staff, manager)
    ProjectFactory(lead=champion)  # nothing to do with staff

    found = list(Project.objects.led_by([staff]).order_by("pk"))

    assert found == [led, co_led, both]
    assert set(Project.objects.led_by([staff.pk, manager.pk])) == {led, co_led, both}


def test_my_qi_lists_projects_led_and_co_led_once(client_for, staff, champion):
    led = ProjectFactory(lead=staff, title="Faster discharge prescriptions")
    co_led = ProjectFactory(lead=champion, title="Insulin prescribing safety")
    co_led.co_leads.add(staff)

    html = client_for(staff).get("/me/").content.decode()

    assert html.count(f'href="/projects/{led.pk}/"') == 1
    assert html.count(f'href="/projects/{co_led.pk}/"') == 1
    assert "(co-lead," in html


def test_team_counts_each_led_or_co_led_project_once(client_for, manager, staff, champion):
    ProjectFactory(lead=staff)
    co_led = ProjectFactory(lead=champion)
    co_led.co_leads.add(staff)
    both = ProjectFactory(lead=staff)
    both.co_leads.add(staff)
    ProjectFactory(lead=staff, draft=True)  # not submitted: not counted

    response = client_for(manager).get("/team/")

    (row,) = [p for p in response.context["page"].object_list if p.pk == staff.pk]
    assert row.projects_led == 3
