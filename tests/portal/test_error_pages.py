import pytest

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_explained_in_the_site_frame(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Collection Management &amp; Service Division" in html


def test_a_missing_page_is_explained_in_korean(client, settings):
    settings.DEBUG = False
    client.post("/i18n/setlang/", {"language": "ko"})

    response = client.get("/no-such-page/")

    assert "페이지를 찾을 수 없음" in response.content.decode()
