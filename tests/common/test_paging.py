import pytest
from django.db.models import Q

from common.paging import CappedPaginator, bounded_counts, bounded_split_counts
from projects.models import Project
from tests.factories import ProjectFactory


@pytest.fixture
def seven_projects(db):
    for n in range(7):
        ProjectFactory(
            title=f"Paged {n}", stage=Project.Stage.COMPLETED if n < 2 else Project.Stage.TESTING
        )
    return Project.objects.order_by("pk")


def test_count_stops_one_past_the_deepest_page(seven_projects, django_assert_num_queries):
    paginator = CappedPaginator(seven_projects, 2, max_pages=2)
    with django_assert_num_queries(1):
        assert paginator.count == 5  # rows_reached (4) + 1, not 7
    assert paginator.is_capped
    assert paginator.num_pages == 2


def test_count_is_exact_below_the_cap(seven_projects):
    paginator = CappedPaginator(seven_projects, 5, max_pages=2)
    assert paginator.count == 7
    assert not paginator.is_capped
    assert paginator.num_pages == 2


def test_bounded_counts_counts_each_queryset_in_one_query(
    seven_projects, django_assert_num_queries
):
    closed = seven_projects.filter(stage=Project.Stage.COMPLETED)
    with django_assert_num_queries(1):
        assert bounded_counts([seven_projects.exclude(pk__in=closed), closed], limit=4) == [4, 2]
    assert bounded_counts([seven_projects.filter(title="Paged 3")], limit=4) == [1]
    assert bounded_counts([seven_projects.none(), seven_projects], limit=4) == [0, 4]


def test_bounded_split_counts_counts_both_sides_in_one_query(
    seven_projects, django_assert_num_queries
):
    completed = Q(stage=Project.Stage.COMPLETED)
    with django_assert_num_queries(1):
        assert bounded_split_counts(seven_projects, completed, limit=10) == (5, 2)
    assert bounded_split_counts(seven_projects, completed, limit=3) == (3, 2)
    assert bounded_split_counts(seven_projects, completed, limit=1) == (1, 1)
    assert bounded_split_counts(seven_projects.none(), completed, limit=3) == (0, 0)
