from django.contrib.staticfiles import finders
from django.templatetags.static import static


def test_browsers_asking_for_favicon_ico_are_sent_to_the_portals_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == static("favicon.svg")
    assert finders.find("favicon.svg")
