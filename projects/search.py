"""Full-text search and duplicate detection for the register (PostgreSQL only).

Each project keeps a weighted `search_vector`: title (A), aim (B), problem and task text (C).
It is derived data, refreshed by the services that write projects and tasks, with an UPDATE
that deliberately writes no history (history records what people changed, not indexes).
"""

from __future__ import annotations

import re

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Case, F, OuterRef, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, Concat

from projects.models import Project, ProjectQuerySet, Task

CONFIG = "english"
# Below this rank a project is not offered as a possible duplicate (tuned in the tests).
MIN_SIMILARITY = 0.05


def _task_text():
    tasks = (
        Task.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(
            text=StringAgg(
                Concat("title", Value(" "), "description", output_field=TextField()),
                delimiter=" ",
                output_field=TextField(),
            )
        )
        .values("text")
    )
    return Coalesce(Subquery(tasks, output_field=TextField()), Value(""), output_field=TextField())


def search_vector_expression():
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("aim", weight="B", config=CONFIG)
        + SearchVector("problem", weight="C", config=CONFIG)
        + SearchVector(_task_text(), weight="C", config=CONFIG)
    )


def refresh_search_vectors(projects: ProjectQuerySet) -> int:
    """Recompute the search vector of the given projects in one statement."""
    return projects.update(search_vector=search_vector_expression())


def search(projects: ProjectQuerySet, text: str) -> ProjectQuerySet:
    """Projects matching `text` (web-search syntax), best first; an exact title match leads."""
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    return projects.filter(search_vector=query).annotate(
        exact_title=Case(When(title__iexact=text.strip(), then=Value(1)), default=Value(0)),
        rank=SearchRank(F("search_vector"), query),
    )


def _any_word_query(text: str) -> SearchQuery | None:
    """A query matching any of the text's words (stemmed), so rewordings still match."""
    words = re.findall(r"[^\W_]{3,}", text.lower())
    if not words:
        return None
    query = SearchQuery(words[0], config=CONFIG)
    for word in dict.fromkeys(words[1:24]):
        query |= SearchQuery(word, config=CONFIG)
    return query


def similar_projects(
    projects: ProjectQuerySet, *, title: str, aim: str = "", limit: int = 5
) -> list[Project]:
    """Existing projects that look like the one described, most alike first.

    Full-text rank over the weighted vector (title counts most) with a query that matches any
    of the words, so "Reduce missed doses" finds "Reducing missed doses". The embedded
    PostgreSQL has no pg_trgm, so trigram similarity is not used: one engine everywhere.
    """
    query = _any_word_query(f"{title} {title} {aim}")
    if query is None or len(title.strip()) < 4:
        return []
    candidates = (
        projects.filter(search_vector=query)
        .annotate(similarity=SearchRank(F("search_vector"), query, normalization=Value(1)))
        .filter(similarity__gte=MIN_SIMILARITY)
        .select_related("lead")
        .order_by("-similarity", "-pk")
    )
    return list(candidates[:limit])
