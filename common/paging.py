"""A paginator that pages no deeper than a set number of pages."""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, Q


class CappedPaginator(Paginator):
    """Django's paginator, going no deeper than `max_pages`.

    A page is read with LIMIT and OFFSET, and PostgreSQL reads and throws away every row
    before the OFFSET: page 2,000 of a 100,000-row list reads 50,000 rows. Nobody pages that
    far by hand; past `max_pages` the list should ask for narrower filters instead (see
    `is_beyond_cap`). Keyset pagination would make deep pages cheap too, but only for one
    fixed sort order, and it gives up "page N of M" links that carry the filters.

    It counts no further than one row past the deepest page either: counting every matching
    row reads them all, so at 100,000 rows the count grew with the table while the page read
    stayed small. Past the cap `count` is `rows_reached + 1` and `is_capped` is true: say
    "more than `rows_reached`", not the count.
    """

    def __init__(self, object_list, per_page, *, max_pages: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.max_pages = max_pages

    @cached_property
    def count(self) -> int:
        """The matching rows, counted up to one past `rows_reached` (then `is_capped`)."""
        (count,) = bounded_counts([self.object_list], limit=self.rows_reached + 1)
        return count

    @cached_property
    def num_pages(self) -> int:
        return min(self.all_pages, self.max_pages)

    @cached_property
    def all_pages(self) -> int:
        """How many pages there would be without the cap."""
        return Paginator.num_pages.func(self)

    @property
    def is_capped(self) -> bool:
        """More rows match than the pages reach."""
        return self.all_pages > self.max_pages

    @property
    def rows_reached(self) -> int:
        return self.max_pages * self.per_page

    def is_beyond_cap(self, number) -> bool:
        """`number` (as typed in the URL) asks for a page past the cap that would have rows;
        any other value, a page too far or not a number, is left to `get_page`."""
        try:
            self.validate_number(number)
        except PageNotAnInteger:
            return False
        except EmptyPage:
            return self.is_capped and int(number) > self.max_pages
        return False


def bounded_counts(querysets, *, limit: int) -> list[int]:
    """Each queryset's number of rows, counted no further than `limit`, in one query.

    Each is read as `SELECT COUNT(*) FROM (... LIMIT limit)`, which stops once it has
    `limit` rows instead of reading every matching one. The querysets are on one database.
    """
    parts, params = [], []
    # Only SQL written here and by the ORM is joined; every value is a parameter.
    counted = "(SELECT COUNT(*) FROM ({}) AS counted)"
    for queryset in querysets:
        try:
            sql, query_params = queryset.order_by().values("pk")[:limit].query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing, such as `pk__in=[]`
            sql, query_params = "SELECT 1 WHERE FALSE", ()
        parts.append(counted.format(sql))
        params.extend(query_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def bounded_split_counts(queryset, condition: Q, *, limit: int) -> tuple[int, int]:
    """The rows of `queryset` that do not and that do meet `condition`, each counted no
    further than `limit`, in one query that reads the rows once.

    Both counts read one materialized CTE, which PostgreSQL fills only as far as its readers
    ask: the scan stops once each count has `limit` rows, or at the last row. (Two separate
    LIMIT subqueries would scan twice, which costs more when few rows match.)
    """
    flagged = (
        queryset.order_by()
        .annotate(meets=ExpressionWrapper(condition, output_field=BooleanField()))
        .values("meets")
    )
    try:
        sql, params = flagged.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing, such as `pk__in=[]`
        return 0, 0
    # Only SQL written here and by the ORM is joined; every value is a parameter.
    counts = (
        "WITH flagged (meets) AS MATERIALIZED ({})"
        " SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM flagged WHERE NOT meets LIMIT %s) AS a),"
        " (SELECT COUNT(*) FROM (SELECT 1 FROM flagged WHERE meets LIMIT %s) AS b)"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(counts.format(sql), [*params, limit, limit])
        not_meeting, meeting = cursor.fetchone()
    return not_meeting, meeting
