"""Linked code tabs in a real browser: the reader's choice follows them to the next page and to the
other language (the labels are the same in both languages)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SELECTED_LABELS = """
() => [...document.querySelectorAll('.tabbed-set')].map((set) => {
  const checked = set.querySelector(':scope > input:checked');
  return set.querySelector(`label[for="${checked.id}"]`).textContent.trim();
})
"""


def choose(page, label: str) -> None:
    page.locator(".tabbed-set").first.locator(".tabbed-labels > label", has_text=label).click()


def test_chosen_sample_language_sticks_across_pages_and_languages(page, mini_site_url: str) -> None:
    page.goto(mini_site_url)
    assert page.evaluate(SELECTED_LABELS) == ["cURL", "cURL", "cURL"]

    choose(page, "Python")
    # linked tabs: every group on the page follows
    assert page.evaluate(SELECTED_LABELS) == ["Python", "Python", "Python"]

    page.goto(mini_site_url + "guide/signup/")
    assert page.evaluate(SELECTED_LABELS) == ["Python"]

    page.goto(mini_site_url + "en/reference/")
    assert page.evaluate(SELECTED_LABELS) == ["Python", "Python"]

    # and back in Korean after choosing bkendFetch on the English page
    choose(page, "bkendFetch")
    page.goto(mini_site_url + "reference/")
    assert page.evaluate(SELECTED_LABELS) == ["bkendFetch", "bkendFetch"]
