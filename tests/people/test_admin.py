import pytest
from django.urls import reverse

PERSONAS_BUILT_ONCE = ("staff", "champion", "admin", "outsider", "project")


def _registered(app_label):
    from django.contrib import admin as django_admin

    return [m for m in django_admin.site._registry if m._meta.app_label == app_label]


ADMIN_MODELS = [
    model
    for app_label in ("auth", "people", "projects", "measurement", "recognition")
    for model in _registered(app_label)
]


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_every_admin_changelist_and_add_page_loads_for_admins(client_for, admin, project, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client_for(admin).get(url, {"q": "a"}).status_code == 200
    add = client_for(admin).get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code in (200, 403)  # 403 where adding is the application's job


@pytest.mark.parametrize("persona", ["staff", "champion", "manager", "outsider"])
def test_admin_is_closed_to_non_admins(db, client_for, request, persona):
    person = request.getfixturevalue(persona)
    response = client_for(person).get(reverse("admin:people_person_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_change_records_history_with_who_made_it(client_for, admin, staff):
    url = reverse("admin:people_person_change", args=[staff.pk])
    data = {
        "user": staff.user.pk,
        "display_name": "Samantha Taylor",
        "job_role": staff.job_role,
        "band": "6",
        "department": staff.department.pk,
        "clinical_areas": [a.pk for a in staff.clinical_areas.all()],
        "line_manager": staff.line_manager.pk,
        "email": staff.email,
        "champion_assignments-TOTAL_FORMS": "0",
        "champion_assignments-INITIAL_FORMS": "0",
        "champion_assignments-MIN_NUM_FORMS": "0",
        "champion_assignments-MAX_NUM_FORMS": "1000",
    }
    response = client_for(admin).post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = staff.history.latest()
    assert latest.display_name == "Samantha Taylor"
    assert latest.history_user == admin.user
    history_page = client_for(admin).get(reverse("admin:people_person_history", args=[staff.pk]))
    assert "Samantha Taylor" in history_page.content.decode()


def test_admin_rejects_areas_from_another_department(client_for, admin, staff, outsider):
    url = reverse("admin:people_person_change", args=[staff.pk])
    foreign_area = outsider.clinical_areas.get()
    data = {
        "user": staff.user.pk,
        "display_name": staff.display_name,
        "job_role": staff.job_role,
        "band": staff.band,
        "department": staff.department.pk,
        "clinical_areas": [foreign_area.pk],
        "email": staff.email,
        "champion_assignments-TOTAL_FORMS": "0",
        "champion_assignments-INITIAL_FORMS": "0",
        "champion_assignments-MIN_NUM_FORMS": "0",
        "champion_assignments-MAX_NUM_FORMS": "1000",
    }
    response = client_for(admin).post(url, data)
    assert response.status_code == 200
    assert "belong to another department" in response.content.decode()
    assert list(staff.clinical_areas.all()) != [foreign_area]


def test_user_accounts_keep_history(admin, django_user_model):
    user = django_user_model.objects.create_user("newstarter")
    user.is_staff = True
    user.save()
    assert [h.is_staff for h in user.history.order_by("history_date")] == [False, True]


# The change forms pick people, projects and tasks by autocomplete: a form that listed them
# all would render 5,000 people (or 100,000 projects) into every select.
BIG_MODELS = [
    ("people", "person"),
    ("projects", "project"),
    ("projects", "task"),
    ("projects", "membership"),
    ("projects", "interest"),
]


@pytest.fixture
def crowd(staff, pharmacy):
    from tests.factories import PersonFactory, ProjectFactory, TaskFactory

    people = PersonFactory.create_batch(12, department=pharmacy, display_name="Crowd member")
    projects = [ProjectFactory(lead=person, title="Crowd project") for person in people]
    TaskFactory(project=projects[0], title="Crowd task")
    return people, projects


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_add_pages_do_not_list_every_person_project_or_task(client_for, admin, crowd, model):
    opts = model._meta
    response = client_for(admin).get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    page = response.content.decode()
    assert "Crowd member" not in page
    assert "Crowd project" not in page
    assert "Crowd task" not in page


@pytest.mark.parametrize(("app_label", "model_name"), BIG_MODELS)
def test_change_forms_of_big_models_pick_people_and_projects_by_autocomplete(
    client_for, admin, project, staff, crowd, app_label, model_name
):
    from django.apps import apps

    from projects.models import Interest, Membership
    from tests.factories import TaskFactory

    objects = {
        "person": staff,
        "project": project,
        "task": TaskFactory(project=project),
        "membership": Membership.objects.create(
            project=project, person=staff, role_title="Data lead"
        ),
        "interest": Interest.objects.create(project=project, person=staff),
    }
    obj = objects[model_name]
    assert isinstance(obj, apps.get_model(app_label, model_name))
    url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    page = client_for(admin).get(url).content.decode()
    assert "admin-autocomplete" in page
    assert "Crowd member" not in page
    assert "Crowd project" not in page


@pytest.mark.parametrize(
    "search",
    ["Crowd", "crowd proj", "Crowd member"],
    ids=["title-word", "title-prefixes", "lead-name"],
)
def test_project_admin_search_uses_the_register_index_and_lead_name(
    client_for, admin, crowd, search
):
    people, projects = crowd
    response = client_for(admin).get(reverse("admin:projects_project_changelist"), {"q": search})
    assert response.context["cl"].result_count == len(projects)


def test_project_admin_search_finds_an_exact_reference(client_for, admin, crowd):
    people, projects = crowd
    reference = projects[3].reference
    response = client_for(admin).get(
        reverse("admin:projects_project_changelist"), {"q": reference.lower()}
    )
    assert list(response.context["cl"].result_list) == [projects[3]]


def test_project_admin_search_of_punctuation_alone_finds_nothing(client_for, admin, crowd):
    response = client_for(admin).get(reverse("admin:projects_project_changelist"), {"q": "&!:*"})
    assert response.context["cl"].result_count == 0


def test_project_autocomplete_finds_a_project_as_its_title_is_typed(client_for, admin, crowd):
    people, projects = crowd
    response = client_for(admin).get(
        reverse("admin:autocomplete"),
        {
            "term": "crowd pro",
            "app_label": "projects",
            "model_name": "membership",
            "field_name": "project",
        },
    )
    assert response.status_code == 200
    assert {int(r["id"]) for r in response.json()["results"]} == {p.pk for p in projects}
