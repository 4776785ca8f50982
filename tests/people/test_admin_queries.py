"""Every admin changelist reads a page of rows in a fixed number of queries, with or without a
search, however many rows there are: each related column is joined, never fetched per row.

The demo is seeded small, with a few rows added to each table it leaves nearly empty, and
every changelist's queries counted; then it is seeded several times larger and counted again.
"""

import datetime as dt
import hashlib

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import built_once

# A page of the busiest changelist (projects: its filters, date hierarchy and a page of rows).
MOST_QUERIES_FOR_A_PAGE = 12


def _changelists():
    return [
        model
        for model in django_admin.site._registry
        if model._meta.app_label in ("auth", "people", "projects", "measurement", "recognition")
    ]


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}"


def _add_rows(count: int, offset: int) -> None:
    """`count` rows, each with its own related objects, in the tables the demo barely fills."""
    from measurement.models import Measure, PDSACycle, ProjectImpact, Saving
    from people.models import (
        Course,
        ExportLog,
        MentoringPair,
        MentoringSessionNote,
        Person,
        QIConversation,
        TrainingSession,
    )
    from projects.models import MentoringNote, Project, Task, TaskNote
    from recognition.models import AppraisalNote, Award, DisplayLink, Nomination, ShowcaseSession

    people = list(Person.objects.order_by("pk")[offset * 2 : (offset + count) * 2])
    projects = list(
        Project.objects.filter(impact__isnull=True).order_by("pk")[offset : offset + count]
    )
    tasks = list(Task.objects.order_by("pk")[offset : offset + count])
    award = Award.objects.create(name=f"Award {offset}")
    course = Course.objects.create(name=f"Course {offset}", level="foundation")
    now = timezone.now()
    for i, (project, task) in enumerate(zip(projects, tasks, strict=False)):
        one, other = people[2 * i], people[2 * i + 1]
        Measure.objects.create(project=project, name=f"Measure {i}", kind="outcome")
        Saving.objects.create(
            project=project,
            description="Fewer taxis",
            amount=10,
            claimed_by=one,
            validated_amount=8,
            validated_by=other,
        )
        PDSACycle.objects.create(
            project=project, number=1, change_idea="Try", start_date=now.date(), created_by=one
        )
        ProjectImpact.objects.create(project=project, updated_by=one)
        MentoringNote.objects.create(project=project, author=one, note="Met")
        TaskNote.objects.create(task=task, author=other, note="Started")
        # The demo may already pair these two (one active pair each way at a time).
        pair, _ = MentoringPair.objects.get_or_create(
            mentor=one, mentee=other, ended_on__isnull=True
        )
        MentoringSessionNote.objects.create(pair=pair, author=one, note="Met")
        QIConversation.objects.create(person=one, manager=other, note="Agreed hours")
        AppraisalNote.objects.create(
            person=one,
            manager=other,
            period_start=now.date() - dt.timedelta(days=365),
            period_end=now.date(),
            note="Good year",
        )
        Nomination.objects.create(
            award=award,
            nominee_kind=Nomination.NomineeKind.PERSON,
            person=one,
            citation="Led it",
            nominated_by=other,
        )
        ShowcaseSession.objects.create(
            department=one.department,
            starts_at=now + dt.timedelta(days=i),
            place="Room",
            slot_count=3,
            created_by=one,
        )
        DisplayLink.objects.create(
            department=one.department,
            name=f"Board {offset + i}",
            token_digest=hashlib.sha256(f"{offset + i}".encode()).hexdigest(),
            created_by=one.user,
        )
        TrainingSession.objects.create(
            course=course, starts_at=now, place="Room", capacity=5, trainer=one
        )
        ExportLog.objects.create(user=one.user, kind="subject_access_export", description="SAR")


def _count_queries(client) -> dict:
    counts = {}
    for model in _changelists():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        for search in ({}, {"q": "a"}):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, search)
            assert response.status_code == 200, url
            counts[_label(model), bool(search)] = len(queries)
    return counts


@pytest.fixture(scope="module")
def query_counts(django_db_setup, django_db_blocker, tmp_path_factory):
    """{(model, searched): (queries with a few rows, queries with many rows)}."""

    def build():
        superuser = get_user_model().objects.create_superuser("counting.admin")
        client = Client()
        client.force_login(superuser)
        call_command("seed_demo", "--password", "demo-pass-1", "--people", "8", "--projects", "3")
        _add_rows(3, offset=0)
        few = _count_queries(client)
        call_command("seed_demo", "--password", "demo-pass-1", "--people", "60", "--projects", "60")
        _add_rows(30, offset=3)
        many = _count_queries(client)
        return {key: (few[key], many[key]) for key in few}

    yield from built_once(django_db_blocker, tmp_path_factory.mktemp("media"), build)


@pytest.mark.parametrize("searched", [False, True], ids=["listed", "searched"])
@pytest.mark.parametrize("model", _changelists(), ids=_label)
def test_changelist_queries_do_not_grow_with_its_rows(query_counts, model, searched):
    few, many = query_counts[_label(model), searched]
    assert many <= few, f"{few} queries for a few rows, {many} for many"
    assert many <= MOST_QUERIES_FOR_A_PAGE
