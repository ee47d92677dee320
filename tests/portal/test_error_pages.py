import pytest
from django.utils import translation

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


def test_a_server_error_is_explained_in_the_site_frame_without_the_database(
    rf, settings, django_assert_num_queries
):
    from nlk_portal.views import server_error

    settings.DEBUG = False
    request = rf.get("/ill/request/")

    with django_assert_num_queries(0), translation.override("en"):
        response = server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "Collection Management &amp; Service Division" in html
    assert 'name="csrfmiddlewaretoken"' in html  # the language buttons still work
