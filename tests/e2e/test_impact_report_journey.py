"""Browser journey: a member of staff reads the department impact page and narrows it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from measurement.models import ProjectImpact, Saving
from tests.e2e.conftest import assert_accessible, fill_date, sign_in
from tests.factories import PASSWORD, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_reads_the_impact_page_filters_it_and_finds_the_csv(
    page, staff, champion, project, surgery
):
    Saving.objects.create(
        project=project,
        description="Biosimilar switch",
        amount=Decimal("1200"),
        kind=Saving.Kind.RECURRING,
        claimed_by=staff,
        validated_amount=Decimal("1000"),
        validated_by=champion,
        validated_at=timezone.now(),
    )
    ProjectImpact.objects.create(project=project, patients_affected=30, patient_benefits=["safety"])
    ProjectFactory(lead=champion, title="Theatre stock", clinical_areas=[surgery])

    sign_in(page, "staff", PASSWORD)
    page.goto("/impact/")
    assert "£1,200.00" in page.locator(".nhsuk-summary-list").inner_text()
    assert page.get_by_role("img", name="Savings claimed and validated", exact=True).is_visible()
    assert_accessible(page)

    page.get_by_label("Clinical area", exact=True).select_option(label="Surgery")
    page.get_by_role("button", name="Show").click()
    assert "in Surgery" in page.locator(".nhsuk-lede-text").inner_text()
    assert "£1,200.00" not in page.locator(".nhsuk-summary-list").inner_text()
    assert "area=" in page.get_by_role("link", name="Download these figures (CSV)").get_attribute(
        "href"
    )

    fill_date(page, "From", timezone.localdate() + dt.timedelta(days=1))
    fill_date(page, "To", timezone.localdate())
    page.get_by_role("button", name="Show").click()
    assert (
        "The end of the period must be on or after its start"
        in page.locator(".nhsuk-error-summary").inner_text()
    )
    assert_accessible(page)
    assert page.external_requests == []
