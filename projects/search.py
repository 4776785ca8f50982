"""Full-text search and duplicate detection for the register (PostgreSQL only).

Each project keeps a weighted `search_vector`: title (A), aim (B), problem and task text (C).
It is derived data, refreshed by the services that write projects and tasks, with an UPDATE
that deliberately writes no history (history records what people changed, not indexes).

The duplicate check looks for the concepts of a proposal (projects/vocabulary.py) in the
titles and aims of the register; README, "The duplicate check".
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, Concat

from people.models import Person
from projects.models import Project, ProjectQuerySet, Task
from projects.vocabulary import Concept, concepts

CONFIG = "english"
# A project is offered as a possible duplicate when it names at least this share of the
# proposal's weighted concepts (tuned on tests/projects/duplicate_check_cases.py).
MIN_SIMILARITY = 0.5
# The share of the score that the proposal's title carries; its aim carries the rest.
TITLE_SHARE = 0.7
AIM_CONCEPTS = 12
# How far back (in project ids) the ranking looks for perfect matches first (_SIMILAR_SQL).
RECENT_PROJECTS = 2000


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


def search_admin(projects: ProjectQuerySet, text: str) -> ProjectQuerySet:
    """The admin's project search and autocomplete: every word as a prefix in the search
    vector (served by its GIN index), or the exact reference, or the lead's name."""
    text = text.strip()
    if not text:
        return projects
    leads = Person.objects.filter(display_name__icontains=text).values("pk")
    matches = Q(reference=text.upper()) | Q(lead__in=leads)
    if words := re.findall(r"\w+", text):
        prefixes = " & ".join(f"{word}:*" for word in words)
        matches |= Q(search_vector=SearchQuery(prefixes, search_type="raw", config=CONFIG))
    return projects.filter(matches)


def proposal_concepts(title: str, aim: str) -> list[Concept]:
    """What the duplicate check looks for, each concept weighted so the weights add up to 1.

    The title names the project: its concepts share `TITLE_SHARE` of the score, the aim's
    other concepts the rest, whatever the aim's length (a long SMART aim no longer dilutes a
    title that matches). A weak concept counts half (`vocabulary.WEAK`). An aim naming more
    than `AIM_CONCEPTS` concepts is read up to there: a SMART aim names far fewer, and each
    would count for next to nothing while making the ranking's query longer.
    """
    if len(title.strip()) < 4:
        return []
    in_title = concepts(title)
    names = {concept.name for concept in in_title}
    in_aim = [concept for concept in concepts(aim) if concept.name not in names][:AIM_CONCEPTS]
    if not in_title or not in_aim:
        shares = [(in_title or in_aim, 1.0)]
    else:
        shares = [(in_title, TITLE_SHARE), (in_aim, 1 - TITLE_SHARE)]
    weighted = []
    for part, share in shares:
        total = sum(concept.weight for concept in part)
        weighted += [replace(c, weight=share * c.weight / total) for c in part]
    return weighted


def similar_projects(
    projects: ProjectQuerySet, *, title: str, aim: str = "", limit: int = 5
) -> list[Project]:
    """Existing projects that look like the one described, most alike first.

    The live check, the check on submission and the review queue all use this ranking
    (through `similar_projects_for_each`): the share of the proposal's concepts (pharmacy
    vocabulary expanded, everyday words left out) that a project's title and aim contain.
    """
    proposal = Project(pk=0, title=title, aim=aim)
    return similar_projects_for_each(projects, [proposal], limit=limit)[0]


# One statement ranks the register for every proposal given.
#
# Which projects to score. A project that names only concepts whose weights add up to less
# than MIN_SIMILARITY cannot reach it, so a project must name one of the concepts left when
# the most common ones, adding up to less than that, are set aside (`first`); and then, with
# that concept, enough of the others (`other`, the same rule for what is still missing). The
# resulting query (`must`) goes through the GIN index, and only the projects it finds are
# scored. How common a concept is comes from the planner's statistics of the search vector
# (pg_stats: the lexemes ANALYZE found most often); it changes how much is read, never the
# result. On the bench's register, where every title ends "(round N)", it keeps "round" from
# making every project a candidate.
#
# The score: the weights of the proposal's concepts that the project's title or aim names
# (weights A and B in the queries: problem and task text, "Draft the patient leaflet", would
# make everything look alike).
_SIMILAR_SQL = """
WITH lexeme AS MATERIALIZED (
    -- One object, looked up by key: joining the list of lexemes for each word of each variant
    -- scanned all of it (about a thousand rows) every time.
    SELECT coalesce(jsonb_object_agg(common.lexeme, common.frequency), '{{}}') AS frequencies
    FROM pg_stats, unnest(most_common_elems::text::text[], most_common_elem_freqs)
        AS common (lexeme, frequency)
    WHERE pg_stats.schemaname = current_schema() AND pg_stats.tablename = %(table)s
        AND pg_stats.attname = 'search_vector' AND common.lexeme IS NOT NULL
), concept AS MATERIALIZED (
    SELECT given.proposal_id, given.position, given.query, given.weight, (
        SELECT coalesce(sum(variant.frequency), 0) FROM (
            SELECT (
                SELECT coalesce(min(coalesce(
                    ((SELECT frequencies FROM lexeme) ->> word.lexeme)::real, 0
                )), 0)
                FROM unnest(tsvector_to_array(to_tsvector(%(config)s::regconfig, variant)))
                    AS word (lexeme)
            ) AS frequency
            FROM unnest(string_to_array(given.variants, '|')) AS variant
        ) AS variant
    ) / given.weight AS commonness
    FROM unnest(
        %(proposals)s::bigint[], %(queries)s::text[], %(variants)s::text[], %(weights)s::float8[]
    ) WITH ORDINALITY AS given (proposal_id, query, variants, weight, position)
), ordered AS MATERIALIZED (
    SELECT concept.*,
        row_number() OVER same_proposal AS set_aside_order,
        sum(weight) OVER same_proposal AS weight_so_far
    FROM concept
    WINDOW same_proposal AS (
        PARTITION BY proposal_id ORDER BY commonness DESC, position ROWS UNBOUNDED PRECEDING
    )
), first AS (
    SELECT * FROM ordered WHERE weight_so_far >= %(threshold)s
), other AS (
    SELECT first.proposal_id, first.position AS first_position, other.query,
        other.weight_so_far >= %(threshold)s - first.weight AS needed
    FROM first
    JOIN LATERAL (
        SELECT candidate.query, sum(candidate.weight) OVER (
            ORDER BY candidate.commonness DESC, candidate.position ROWS UNBOUNDED PRECEDING
        ) AS weight_so_far
        FROM ordered AS candidate
        WHERE candidate.proposal_id = first.proposal_id
            AND candidate.position <> first.position
            -- a project naming an earlier first concept is found by that concept's branch
            AND NOT (
                candidate.weight_so_far >= %(threshold)s
                AND candidate.set_aside_order < first.set_aside_order
            )
    ) AS other ON true
), branch AS (
    SELECT first.proposal_id,
        CASE WHEN first.weight >= %(threshold)s THEN first.query
        ELSE first.query || ' & (' || (
            SELECT string_agg(other.query, ' | ') FROM other
            WHERE other.proposal_id = first.proposal_id
                AND other.first_position = first.position AND other.needed
        ) || ')' END AS query
    FROM first
), proposal AS MATERIALIZED (
    SELECT proposal_id,
        to_tsquery(%(config)s::regconfig, (
            SELECT string_agg(branch.query, ' | ') FROM branch
            WHERE branch.proposal_id = ordered.proposal_id
        )) AS must,
        to_tsquery(%(config)s::regconfig, string_agg(query, ' & ' ORDER BY position)) AS every,
        array_agg(to_tsquery(%(config)s::regconfig, query) ORDER BY position) AS queries,
        array_agg(weight ORDER BY position) AS weights
    FROM ordered
    GROUP BY proposal_id
), perfect AS MATERIALIZED (
    -- If `limit` of the newest projects name every concept, they are the answer: no project
    -- scores more, and the newest win ties. Looked for among the newest few thousand only,
    -- so that this costs little when there are none. (The bench's register has thousands of
    -- such twins for each of its proposals, which would otherwise all be scored.)
    SELECT proposal.proposal_id, found.project_id,
        (SELECT sum(weight) FROM unnest(proposal.weights) AS weight) AS similarity
    FROM proposal
    CROSS JOIN LATERAL (
        SELECT project.id AS project_id
        FROM ({projects}) AS project (id, search_vector)
        WHERE project.search_vector @@ proposal.every
            AND project.id > (SELECT max(id) FROM {table}) - %(recent)s
        ORDER BY project.id DESC
        LIMIT %(limit)s
    ) AS found
), answered AS (
    SELECT proposal_id FROM perfect GROUP BY proposal_id HAVING count(*) >= %(limit)s
)
SELECT proposal_id, project_id, similarity FROM (
    SELECT proposal_id, project_id, similarity, 0 AS place FROM perfect
    WHERE proposal_id IN (SELECT proposal_id FROM answered)
) AS found_perfect
UNION ALL
SELECT proposal_id, project_id, similarity FROM (
    SELECT proposal_id, project_id, similarity,
        row_number() OVER (
            PARTITION BY proposal_id ORDER BY similarity DESC, project_id DESC
        ) AS place
    FROM (
        SELECT proposal.proposal_id, project.id AS project_id, (
            SELECT sum(concept.weight)
            FROM unnest(proposal.queries, proposal.weights) AS concept (query, weight)
            WHERE project.search_vector @@ concept.query
        ) AS similarity
        FROM proposal
        JOIN ({projects}) AS project (id, search_vector) ON project.search_vector @@ proposal.must
        WHERE proposal.proposal_id NOT IN (SELECT proposal_id FROM answered)
    ) AS scored
    WHERE similarity >= %(threshold)s
) AS ranked
WHERE place <= %(limit)s
ORDER BY proposal_id, similarity DESC, project_id DESC
"""


def similar_projects_for_each(
    projects: ProjectQuerySet, proposals: list[Project], *, limit: int = 5
) -> dict[int, list[Project]]:
    """`similar_projects` of each proposal (by its pk), in two queries however many there are:
    the ranking, then the projects it found with their leads."""
    found: dict[int, list[Project]] = {proposal.pk: [] for proposal in proposals}
    given = [
        (proposal.pk, concept)
        for proposal in proposals
        for concept in proposal_concepts(proposal.title, proposal.aim)
    ]
    if not given:
        return found
    candidates_sql, candidates_params = (
        projects.order_by().values_list("pk", "search_vector").query.sql_with_params()
    )
    # Only SQL written here and by the ORM is joined, and every value is a parameter: the
    # ORM's placeholders are renamed to match the statement's named ones.
    pieces = candidates_sql.split("%s")
    candidates_sql = pieces[0] + "".join(
        f"%(project_{n})s{piece}" for n, piece in enumerate(pieces[1:])
    )
    sql = _SIMILAR_SQL.format(
        projects=candidates_sql, table=connection.ops.quote_name(Project._meta.db_table)
    )
    # A score of exactly the threshold, added up in floats, still counts.
    threshold = MIN_SIMILARITY - 1e-9
    params = {
        "table": Project._meta.db_table,
        "config": CONFIG,
        "proposals": [pk for pk, _ in given],
        "queries": [concept.query for _, concept in given],
        "variants": [concept.variants for _, concept in given],
        "weights": [concept.weight for _, concept in given],
        "threshold": threshold,
        "limit": limit,
        "recent": RECENT_PROJECTS,
        **{f"project_{n}": value for n, value in enumerate(candidates_params)},
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_pk = projects.select_related("lead").in_bulk({project_id for _, project_id, _ in rows})
    for proposal_id, project_id, similarity in rows:
        if project_id not in by_pk:  # deleted between the two queries
            continue
        project = copy.copy(by_pk[project_id])  # one project can look like several proposals
        project.similarity = similarity
        found[proposal_id].append(project)
    return found
