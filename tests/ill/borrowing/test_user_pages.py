"""A user in Korea registers, confirms the email, requests, and sees only their own requests."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from ill.models import IllRequest
from partners.models import LibraryUser
from tests.factories import PASSWORD, LibrarianFactory, library_user

from .steps import borrow
from .test_copy_rule import form_data

pytestmark = pytest.mark.django_db


def confirmation_path(message):
    return "/accounts/" + re.search(r"https?://\S+/accounts/(confirm/\S+/)", message.body)[1]


def test_a_user_in_korea_registers_confirms_by_the_emailed_link_and_lands_on_their_requests(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register_korea"), {
            "full_name": "Ji-woo Han", "email": "jiwoo.han@example.kr", "phone": "010-1234-5678",
            "postal_address": "서울특별시 서초구 반포대로 201", "password1": PASSWORD, "password2": PASSWORD,
            "privacy_consent": "on",
        })

    assert "jiwoo.han@example.kr" in response.content.decode()
    user = get_user_model().objects.get(email="jiwoo.han@example.kr")
    assert not user.is_active and not user.library_user.is_confirmed
    [message] = mail.outbox
    # The registration page is Korean first, and so is the email it sends.
    assert "해외 자료" in message.body

    client.get(confirmation_path(message))
    user.refresh_from_db()
    assert user.is_active and LibraryUser.objects.get(user=user).is_confirmed
    logged_in = client.post(reverse("accounts:login"), {"username": "jiwoo.han@example.kr", "password": PASSWORD})
    assert logged_in["Location"] == reverse("ill:borrowing_requests")


def test_the_form_asks_for_a_login_and_refuses_a_partner_librarian(client):
    assert client.get(reverse("ill:borrow"))["Location"].startswith(reverse("accounts:login"))
    client.force_login(LibrarianFactory().user)

    response = client.get(reverse("ill:borrow"))

    assert response.status_code == 403
    assert reverse("accounts:register_korea") in response.content.decode()


def test_a_request_made_on_the_form_shows_on_the_users_page(client, jiwoo, lender, source_fee_schedule):
    client.force_login(jiwoo)

    response = client.post(reverse("ill:borrow"), form_data(lender))

    ill_request = IllRequest.objects.get()
    assert response["Location"] == reverse("ill:borrowing_request", args=[ill_request.reference]) + "?submitted=1"
    assert ill_request.borrowing.lender == lender and ill_request.borrowing.max_amount == 50000
    page = client.get(response["Location"]).content.decode()
    assert ill_request.reference in page and "Staatsbibliothek zu Berlin" in page
    # Posting the same form again makes no second request.
    client.post(reverse("ill:borrow"), form_data(lender))
    assert IllRequest.objects.count() == 1


def test_another_user_cannot_see_a_request_or_its_statement(client, jiwoo, lender, source_fee_schedule):
    mine = borrow(jiwoo, lender)
    other = library_user(email="minho.lee@example.kr", first_name="Min-ho", last_name="Lee")
    client.force_login(other)

    assert mine.reference not in client.get(reverse("ill:borrowing_requests")).content.decode()
    assert client.get(reverse("ill:borrowing_request", args=[mine.reference])).status_code == 404
    assert client.get(reverse("ill:borrowing_statement", args=[mine.reference])).status_code == 404


def test_a_partner_librarian_of_nlk_does_not_see_what_users_borrow(client, jiwoo, lender, source_fee_schedule):
    mine = borrow(jiwoo, lender)
    librarian = LibrarianFactory(institution=mine.requesting_library)
    client.force_login(librarian.user)

    assert mine.reference not in client.get(reverse("ill:library_requests")).content.decode()
    assert client.get(reverse("ill:library_request", args=[mine.reference])).status_code == 404


def test_the_pages_are_in_korean_first_and_in_english_for_a_reader_who_chooses_it(client, jiwoo):
    client.force_login(jiwoo)

    assert "해외 자료 신청" in client.get(reverse("ill:borrow")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Request material from abroad" in client.get(reverse("ill:borrow")).content.decode()


def test_the_form_shows_errors_a_user_can_put_right(client, jiwoo, lender):
    client.force_login(jiwoo)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = form_data(lender, isbn="978-89-364-3456-5", item_type="monograph", title="", lender_name="Other")

    page = client.post(reverse("ill:borrow"), data).content.decode()

    assert "check digit" in page
    assert "Enter the title of the book." in page
    assert "not both" in page
    assert not IllRequest.objects.exists()
