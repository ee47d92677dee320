import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_browses_searches_and_reads_the_directory_in_korean(page, reference_data):
    page.goto("/")
    expect(page.get_by_role("heading", name="International Cooperation", level=1)).to_be_visible()
    expect(page.locator("footer")).to_contain_text("Collection Management & Service Division")
    expect(page.locator("footer")).to_contain_text("(02)590-0586")

    page.get_by_role("link", name="Browse the directory").click()
    expect(page.get_by_role("heading", name="Partner directory", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Mongolia")).to_be_visible()

    search = page.get_by_label("Search by name, other spelling, city or country")
    search.fill("Butan")
    search.press("Enter")
    expect(page.locator(".result-count")).to_have_text("1 institution matches “Butan”.")
    expect(page.locator(".directory-list li")).to_have_count(1)
    expect(page.locator(".directory-list")).to_contain_text("National Library of Bhutan")

    page.get_by_role("button", name="한국어").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", name="협력 기관 목록", level=1)).to_be_visible()
    expect(page.locator(".directory-list")).to_contain_text("National Library of Bhutan")
    expect(page.get_by_role("heading", name="부탄")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
