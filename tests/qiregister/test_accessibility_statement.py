"""The accessibility statement says what the browser tests check: keep the two in step."""

import re

from django.urls import reverse

from tests.e2e.conftest import AXE, WCAG_TAGS


def test_statement_names_the_axe_core_version_the_tests_run(client, db):
    version = re.search(r"axe v(\d+\.\d+\.\d+)", AXE.read_text()[:200]).group(1)
    html = client.get(reverse("accessibility")).content.decode()
    assert f"axe-core {version}" in html


def test_statement_names_the_test_files_and_the_standard_they_check(client, db):
    html = client.get(reverse("accessibility")).content.decode()
    for test_file in ("test_accessibility.py", "test_keyboard_journeys.py"):
        assert f"tests/e2e/{test_file}" in html
    assert "WCAG 2.2 AA" in html
    assert "wcag22aa" in WCAG_TAGS  # the statement's claim of 2.2 AA needs axe's 2.2 rules
    assert "prepared on 26 November 2026" in html
