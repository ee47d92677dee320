"""Each kind of signed-in user is offered their own requests, and staff are not offered a library's."""

import pytest
from django.urls import reverse

from tests.factories import InstitutionFactory, LibrarianFactory

pytestmark = pytest.mark.django_db
LIBRARY_REQUESTS = "Your library&#x27;s requests"


@pytest.mark.parametrize("path", ["/", "/ill/"])
def test_staff_who_are_not_partner_librarians_are_not_offered_a_librarys_requests(client, kim, path):
    client.force_login(kim)

    html = client.get(path).content.decode()

    assert LIBRARY_REQUESTS not in html
    assert reverse("ill:library_requests") not in html


@pytest.mark.parametrize("path", ["/", "/ill/"])
def test_a_partner_librarian_is_offered_the_librarys_requests(client, path):
    client.force_login(LibrarianFactory(institution=InstitutionFactory()).user)

    assert reverse("ill:library_requests") in client.get(path).content.decode()


def test_a_user_in_korea_is_offered_their_own_requests(client, jiwoo):
    client.force_login(jiwoo)

    html = client.get("/").content.decode()

    assert reverse("ill:borrowing_requests") in html and reverse("ill:library_requests") not in html
