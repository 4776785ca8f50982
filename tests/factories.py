"""factory_boy factories for the domain; personas in conftest.py are built from these."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from people.models import ChampionAssignment, ClinicalArea, Department, Person, Skill
from projects.models import ProgressUpdate, Project, RoleOpening, StrategicPriority, Task
from projects.search import refresh_search_vectors
from projects.services import next_reference
from recognition.models import (
    AppraisalNote,
    Award,
    Nomination,
    ShowcaseSession,
    ShowcaseSlot,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    password = factory.django.Password(PASSWORD)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.Sequence(lambda n: f"department-{n}")


class ClinicalAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicalArea

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Area {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Person {n}")
    job_role = Person.JobRole.PHARMACIST
    band = "6"
    department = factory.SubFactory(DepartmentFactory)
    email = factory.LazyAttribute(lambda p: p.user.email)

    @factory.post_generation
    def clinical_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.clinical_areas.set(extracted)


class ChampionAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChampionAssignment

    person = factory.SubFactory(PersonFactory)
    clinical_area = factory.SubFactory(ClinicalAreaFactory)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Skill {n}")


class StrategicPriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicPriority

    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"Priority {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    """A submitted project (with a reference) unless `draft=True`; search index kept current."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    class Params:
        draft = False

    title = factory.Sequence(lambda n: f"Improvement project {n}")
    kind = Project.Kind.QI_PROJECT
    aim = "Improve something measurable by 20% within six months."
    problem = "The current process is slow and error prone."
    lead = factory.SubFactory(PersonFactory)
    department = factory.LazyAttribute(lambda p: p.lead.department)
    stage = factory.LazyAttribute(
        lambda p: Project.Stage.IDEA if p.draft else Project.Stage.PLANNING
    )
    submitted_at = factory.LazyAttribute(lambda p: None if p.draft else timezone.now())
    # Working stages, on hold and completed come only after approval (a constraint).
    approved_at = factory.LazyAttribute(
        lambda p: p.submitted_at if p.stage in Project.APPROVED_STAGES else None
    )
    reference = factory.LazyAttribute(
        lambda p: None if p.draft else next_reference(year=timezone.localdate().year)
    )
    commitment_hours = Decimal("2")
    commitment_period = "week"

    @factory.post_generation
    def clinical_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.clinical_areas.set(extracted)

    @factory.post_generation
    def co_leads(self, create, extracted, **kwargs):
        if create and extracted:
            self.co_leads.set(extracted)

    @factory.post_generation
    def strategic_priorities(self, create, extracted, **kwargs):
        if create and extracted:
            self.strategic_priorities.set(extracted)

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        if create:
            refresh_search_vectors(Project.objects.filter(pk=self.pk))


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
    estimated_hours = Decimal("2")
    status = Task.Status.OPEN
    claimed_by = None
    last_activity_at = factory.LazyAttribute(lambda t: timezone.now() if t.claimed_by else None)

    @factory.post_generation
    def skills_needed(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills_needed.set(extracted)

    @factory.post_generation
    def index(self, create, extracted, **kwargs):
        if create:
            refresh_search_vectors(Project.objects.filter(pk=self.project_id))


class RoleOpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleOpening

    project = factory.SubFactory(ProjectFactory)
    title = "Data collector"
    places = 2
    commitment_hours = Decimal("2")


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    project = factory.SubFactory(ProjectFactory)
    author = factory.LazyAttribute(lambda u: u.project.lead)
    done = "Collected baseline data."


# Recognition.


class ShowcaseSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShowcaseSession

    department = factory.SubFactory(DepartmentFactory)
    title = "Clinical update"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    place = "Pharmacy seminar room"
    slot_count = 3
    slot_minutes = 10


class ShowcaseSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShowcaseSlot
        skip_postgeneration_save = True

    session = factory.SubFactory(ShowcaseSessionFactory)
    position = factory.Sequence(lambda n: n + 1)
    project = factory.SubFactory(ProjectFactory)
    booked_by = factory.LazyAttribute(lambda s: s.project.lead)

    @factory.post_generation
    def presenters(self, create, extracted, **kwargs):
        if create:
            self.presenters.set(extracted or [self.project.lead])


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    name = factory.Sequence(lambda n: f"Pharmacy team award {n}")
    awarding_body = "The trust"
    level = Award.Level.TRUST
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))


class NominationFactory(factory.django.DjangoModelFactory):
    """A submitted nomination of a person unless told otherwise."""

    class Meta:
        model = Nomination

    award = factory.SubFactory(AwardFactory)
    nominee_kind = Nomination.NomineeKind.PERSON
    person = factory.SubFactory(PersonFactory)
    citation = "Led the omitted doses work that halved missed doses on two wards."
    nominated_by = factory.SubFactory(PersonFactory)
    status = Nomination.Status.SUBMITTED
    submitted_at = factory.LazyAttribute(
        lambda n: None if n.status == Nomination.Status.DRAFT else timezone.now()
    )


class AppraisalNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppraisalNote

    person = factory.SubFactory(PersonFactory)
    manager = factory.LazyAttribute(lambda n: n.person.line_manager)
    period_start = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    period_end = factory.LazyFunction(timezone.localdate)
    note = "Led the omitted doses project; agreed to present it at the spring clinical update."
