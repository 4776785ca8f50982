"""factory_boy factories for the domain; personas in conftest.py are built from these."""

import factory
from django.contrib.auth import get_user_model

from people.models import ChampionAssignment, ClinicalArea, Department, Person

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
