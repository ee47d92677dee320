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


def listed(page, name):
    return page.locator(".directory-list li").filter(has_text=name)


def test_a_reader_in_korea_searches_the_directory_in_korean(open_as, reference_data):
    page = open_as(None, "ko")
    page.goto("/partners/")
    expect(page.get_by_role("heading", name="협력 기관 목록", level=1)).to_be_visible()
    search = page.get_by_label("이름, 다른 표기, 도시 또는 국가로 검색")

    search.fill("대학교")
    search.press("Enter")
    expect(page.locator(".result-count")).to_have_text("“대학교” 검색 결과 23개 기관")
    expect(listed(page, "Free University of Berlin")).to_have_count(1)
    expect(listed(page, "Biblioteca universitaria de la Universidad de Málaga")).to_have_count(1)

    search = page.get_by_label("이름, 다른 표기, 도시 또는 국가로 검색")
    search.fill("MALAGA")
    search.press("Enter")
    expect(page.locator(".directory-list li")).to_have_count(1)
    expect(listed(page, "Biblioteca universitaria de la Universidad de Málaga")).to_have_count(1)
    expect(page.get_by_role("heading", name="스페인")).to_be_visible()

    search = page.get_by_label("이름, 다른 표기, 도시 또는 국가로 검색")
    search.fill("UK")
    search.press("Enter")
    expect(page.locator(".directory-list li")).to_have_count(1)
    expect(listed(page, "Bodleian Libraries, University of Oxford")).to_have_count(1)

    search = page.get_by_label("이름, 다른 표기, 도시 또는 국가로 검색")
    search.fill("코펜하겐")
    search.press("Enter")
    expect(page.locator(".directory-list li")).to_have_count(0)
    expect(page.locator(".search-hint")).to_have_text(
        "“코펜하겐”에 대한 검색 결과가 없습니다. 도시와 기관의 이름은 각 나라의 언어로 적혀 있습니다. "
        "영어 이름이나 현지 이름으로 검색하십시오."
    )

    search = page.get_by_label("이름, 다른 표기, 도시 또는 국가로 검색")
    search.fill("Copenhagen")
    search.press("Enter")
    expect(listed(page, "University of Copenhagen")).to_have_count(1)

    page.locator('form[role="search"] a[href="/partners/"]').click()
    expect(page.locator(".directory-list li")).to_have_count(75)
