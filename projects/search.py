"""Full-text search and duplicate detection for the register (PostgreSQL only).

Each project keeps a weighted `search_vector`: title (A), aim (B), problem and task text (C).
It is derived data, refreshed by the services that write projects and tasks, with an UPDATE
that deliberately writes no history (history records what people changed, not indexes).
"""

from __future__ import annotations

import copy
import re

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
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


def _any_words(text: str) -> list[str]:
    """The words an any-word query looks for: the first, then up to 23 more, each once."""
    words = re.findall(r"[^\W_]{3,}", text.lower())
    return [words[0], *dict.fromkeys(words[1:24])] if words else []


def _any_word_query(text: str) -> SearchQuery | None:
    """A query matching any of the text's words (stemmed), so rewordings still match."""
    words = _any_words(text)
    if not words:
        return None
    query = SearchQuery(words[0], config=CONFIG)
    for word in words[1:]:
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


# One pass over the projects ranks them for every proposal on the review queue's page. An
# any-word query of a proposal matches much of a large register (on 100,000 projects each
# matched tens of thousands), and a search per proposal through the GIN index read and ranked
# them again for each: about 0.12 s a proposal. COALESCE keeps the index out of the join on
# purpose; the cost is a pass over the register whatever the words (about 0.5 s for 10
# proposals on 100,000 projects), where a few rare words would have been cheaper one by one.
# Each proposal's any-word query is built as `_any_word_query` builds it.
_SIMILAR_SQL = """
WITH searches (proposal_id, query) AS (VALUES {searches})
SELECT proposal_id, project_id, similarity FROM (
    SELECT proposal_id, project_id, similarity,
        row_number() OVER (
            PARTITION BY proposal_id ORDER BY similarity DESC, project_id DESC
        ) AS place
    FROM (
        SELECT searches.proposal_id, project.id AS project_id,
            ts_rank(project.search_vector, searches.query, 1) AS similarity
        FROM ({projects}) AS project (id, search_vector)
        JOIN searches ON COALESCE(project.search_vector, '') @@ searches.query
    ) AS matched
    WHERE similarity >= %s
) AS ranked
WHERE place <= %s
ORDER BY proposal_id, place
"""


def similar_projects_for_each(
    projects: ProjectQuerySet, proposals: list[Project], *, limit: int = 5
) -> dict[int, list[Project]]:
    """`similar_projects` of each proposal (by its pk), in two queries however many there are:
    the same projects in the same order as one search per proposal would find."""
    found: dict[int, list[Project]] = {proposal.pk: [] for proposal in proposals}
    searches, params = [], []
    for proposal in proposals:
        words = _any_words(f"{proposal.title} {proposal.title} {proposal.aim}")
        if not words or len(proposal.title.strip()) < 4:
            continue
        query = " || ".join(["plainto_tsquery(%s::regconfig, %s)"] * len(words))
        searches.append(f"(%s::bigint, {query})")
        params += [proposal.pk, *(value for word in words for value in (CONFIG, word))]
    if not searches:
        return found
    candidates_sql, candidates_params = (
        projects.order_by().values_list("pk", "search_vector").query.sql_with_params()
    )
    # Only SQL written here and by the ORM is joined; every value is a parameter.
    sql = _SIMILAR_SQL.format(searches=", ".join(searches), projects=candidates_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *candidates_params, MIN_SIMILARITY, limit])
        rows = cursor.fetchall()
    by_pk = projects.select_related("lead").in_bulk({project_id for _, project_id, _ in rows})
    for proposal_id, project_id, similarity in rows:
        if project_id not in by_pk:  # deleted between the two queries
            continue
        project = copy.copy(by_pk[project_id])  # one project can look like several proposals
        project.similarity = similarity
        found[proposal_id].append(project)
    return found
