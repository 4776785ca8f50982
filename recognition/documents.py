"""What goes into the appraisal summary and portfolio PDFs, within stated bounds.

WeasyPrint keeps the whole laid-out document in memory while it writes it: on this project's
machines about 65 KB and 30 ms per table row. A manager's summary of 632 reports (about
200,000 contributions) never finished and took a worker past 6 GB. So every PDF is bounded:

- A summary shows at most SUMMARY_ROWS_PER_SECTION rows in each section of each person, and
  covers at most SUMMARY_MAX_PEOPLE people and SUMMARY_MAX_ROWS rows in all; what is left out
  is counted on the page ("and 48 more: the CSV has them all"), and the people left out are
  named at the end. Only the people it covers are read.
- A portfolio shows at most PORTFOLIO_MAX_ROWS contributions, and PORTFOLIO_ROWS_PER_DOMAIN
  under each credentialing domain.

Small documents are still made in the request; anything bigger is prepared by the background
worker (recognition.services.prepared_files). Small means at most INLINE_MAX_PEOPLE people and
INLINE_MAX_ROWS rows shown, decided before anything is read: from the bounds above (one
person's summary shows at most 140 rows) or by counting the contributions in the database
(`count_contributions`, one COUNT per kind).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from people.models import Person
from recognition.contributions import (
    SECTIONS,
    Contribution,
    ContributionKind,
    contributions_for,
    count_contributions,
)
from recognition.models import AppraisalNote, PortfolioDomain

SUMMARY_ROWS_PER_SECTION = 20
SUMMARY_MAX_PEOPLE = 100
SUMMARY_MAX_ROWS = 2000
PORTFOLIO_MAX_ROWS = 300
PORTFOLIO_ROWS_PER_DOMAIN = 30

INLINE_MAX_PEOPLE = 10
INLINE_MAX_ROWS = 150


@dataclass
class Shown:
    """The first rows of a list, and how many more there are."""

    items: list[Contribution]
    more: int


def shown(items: list[Contribution], limit: int) -> Shown:
    return Shown(items[:limit], max(len(items) - limit, 0))


def summary_is_small(people: list[Person], start: dt.date, end: dt.date) -> bool:
    """A summary small enough to make in the request: few people, and at most INLINE_MAX_ROWS
    rows shown. A person's summary shows at most SUMMARY_ROWS_PER_SECTION rows in each section,
    so one person's always is (7 x 20 = 140 rows); for more, the contributions are counted in the
    database without reading them."""
    if len(people) > INLINE_MAX_PEOPLE:
        return False
    most = len(people) * len(SECTIONS) * SUMMARY_ROWS_PER_SECTION
    return most <= INLINE_MAX_ROWS or count_contributions(people, start, end) <= INLINE_MAX_ROWS


def portfolio_is_small(person: Person, start: dt.date, end: dt.date) -> bool:
    """A portfolio small enough to make in the request: at most INLINE_MAX_ROWS contributions,
    counted in the database without reading them."""
    return count_contributions([person], start, end) <= INLINE_MAX_ROWS


def summary_people(user, ids: list[int]) -> list[Person]:
    """The people of a summary asked for earlier, checked again when it is made: a line manager
    only their reports still, an admin anyone."""
    people = Person.objects.filter(pk__in=ids)
    if not user.is_staff:
        people = people.filter(line_manager__user=user)
    return list(people.select_related("department", "line_manager").order_by("display_name"))


def appraisal_summary_context(
    *, user, people: list[Person], start: dt.date, end: dt.date
) -> dict[str, Any]:
    """The summary of `people` (sorted by name) as `user` may see it, within the bounds."""
    covered = people[:SUMMARY_MAX_PEOPLE]
    contributions = contributions_for(covered, start, end)
    notes_by_person: dict[int, list[AppraisalNote]] = {}
    notes = (
        AppraisalNote.objects.visible_to(user)
        .filter(person__in=covered)
        .filter(period_start__lte=end, period_end__gte=start)
        .select_related("manager")
    )
    for note in notes:
        notes_by_person.setdefault(note.person_id, []).append(note)

    summaries = []
    rows = 0
    for person in covered:
        found = contributions.pop(person.pk)
        sections = [
            (title, shown(items, SUMMARY_ROWS_PER_SECTION)) for title, items in found.sections
        ]
        size = sum(len(section.items) for _title, section in sections)
        if summaries and rows + size > SUMMARY_MAX_ROWS:
            break
        rows += size
        tasks = found.of_kinds(ContributionKind.TASK)
        summaries.append(
            {
                "person": person,
                "sections": sections,
                "task_count": len(tasks),
                "task_hours": found.task_hours,
                "notes": notes_by_person.get(person.pk, []),
            }
        )
    return {
        "summaries": summaries,
        "left_out": people[len(summaries) :],
        "asked_for": len(people),
        "rows_per_section": SUMMARY_ROWS_PER_SECTION,
        "start": start,
        "end": end,
        "generated_at": timezone.now(),
        "generated_by": getattr(user, "person", None) or user,
    }


def portfolio_context(*, person: Person, start: dt.date, end: dt.date) -> dict[str, Any]:
    found = contributions_for([person], start, end)[person.pk]
    domains = list(PortfolioDomain.objects.filter(department=person.department_id))
    return {
        "person": person,
        "start": start,
        "end": end,
        "contributions": shown(found.contributions, PORTFOLIO_MAX_ROWS),
        "by_domain": [
            (name, shown(items, PORTFOLIO_ROWS_PER_DOMAIN))
            for name, items in found.by_domain(domains)
        ],
        "generated_at": timezone.now(),
    }
