"""The tracking link serves overseas libraries' requests only, and a form's submission key leads back
only to the request it made, of the same kind, from the same details.

Sent again with the same details (a double click, a reload), a form leads to the request it made and
counts once against the submission limit. Sent with other details, or to the other form, the key is
refused: the page shows the details posted on a fresh form, and nothing of the first request.
"""

import re
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from ill.choices import Direction
from ill.models import IllRequest
from ill.services.submission import SubmissionKeyUsed, details_digest, submit_borrowing, submit_request
from tests.factories import (
    InstitutionFactory,
    LibrarianFactory,
    UserFactory,
    ill_request_details,
    library_user,
    submit_ill_request,
)
from tests.ill.borrowing.steps import borrow, borrowing_details
from tests.ill.borrowing.test_copy_rule import form_data as borrowing_form_data
from tests.ill.forms import form_data

pytestmark = pytest.mark.django_db
URL = reverse("ill:request")


@pytest.fixture
def library(source_fee_schedule):
    return InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")


@pytest.fixture
def lender(db):
    return InstitutionFactory(name_en="Staatsbibliothek zu Berlin", country="DE")


@pytest.fixture
def jiwoo(db):
    return library_user()


@pytest.fixture
def borrowed(jiwoo, lender, source_fee_schedule):
    return borrow(jiwoo, lender)


# The tracking link and the confirmation page: overseas libraries' requests only.


def test_a_borrowing_s_token_opens_neither_the_tracking_nor_the_confirmation_page(client, borrowed, jiwoo):
    token = borrowed.tracking_token
    for c in [client, _signed_in(jiwoo)]:
        assert c.get(f"/ill/track/{token}/").status_code == 404
        assert c.get(f"/ill/submitted/{token}/").status_code == 404
        assert c.get(f"/ill/track/{token}/invoice/INV-2026-000001.pdf").status_code == 404


def test_an_overseas_library_s_token_still_opens_both(client, library):
    token = submit_ill_request(requesting_library=library).tracking_token

    assert client.get(f"/ill/track/{token}/").status_code == 200
    assert client.get(f"/ill/submitted/{token}/").status_code == 200


def test_a_borrowing_is_shown_to_its_own_user_signed_in_and_to_nobody_else(client, borrowed, jiwoo, library):
    page = reverse("ill:borrowing_request", args=[borrowed.reference])
    statement = reverse("ill:borrowing_statement", args=[borrowed.reference])

    assert client.get(page)["Location"].startswith(reverse("accounts:login"))
    assert client.get(statement)["Location"].startswith(reverse("accounts:login"))
    others = [
        library_user(email="someone.else@example.kr"),
        LibrarianFactory(institution=library).user,
        UserFactory(is_staff=True, is_superuser=True),
    ]
    for other in others:
        assert _signed_in(other).get(page).status_code == 404, other
        assert _signed_in(other).get(statement).status_code == 404, other
    owner_page = _signed_in(jiwoo).get(page)
    assert owner_page.status_code == 200 and borrowed.reference in owner_page.content.decode()


def _signed_in(user):
    c = Client()
    c.force_login(user)
    return c


# The services: a key leads back only to the request it made, of the same kind, from the same details.


def test_the_same_details_sent_twice_give_back_the_first_request(library, jiwoo, lender):
    key, borrowing_key = uuid.uuid4(), uuid.uuid4()

    first = submit_ill_request(requesting_library=library, submission_key=key)
    assert submit_ill_request(requesting_library=library, submission_key=key) == first
    taken = submit_borrowing(borrowing_details(lender), user=jiwoo, submission_key=borrowing_key)
    assert submit_borrowing(borrowing_details(lender), user=jiwoo, submission_key=borrowing_key) == taken
    assert IllRequest.objects.count() == 2


def test_a_key_of_one_kind_of_request_is_refused_for_the_other(library, jiwoo, lender):
    supplied_key, borrowed_key = uuid.uuid4(), uuid.uuid4()
    submit_ill_request(requesting_library=library, submission_key=supplied_key)
    submit_borrowing(borrowing_details(lender), user=jiwoo, submission_key=borrowed_key)

    with pytest.raises(SubmissionKeyUsed):
        submit_borrowing(borrowing_details(lender), user=jiwoo, submission_key=supplied_key)
    with pytest.raises(SubmissionKeyUsed):
        submit_request(ill_request_details(requesting_library=library), submission_key=borrowed_key)
    assert IllRequest.objects.count() == 2


def test_a_key_sent_with_other_details_or_by_another_person_is_refused(library, jiwoo, lender):
    key, borrowed_key = uuid.uuid4(), uuid.uuid4()
    submit_ill_request(requesting_library=library, submission_key=key)
    submit_borrowing(borrowing_details(lender), user=jiwoo, submission_key=borrowed_key)

    with pytest.raises(SubmissionKeyUsed):
        submit_ill_request(requesting_library=library, submission_key=key, title="Another book")
    with pytest.raises(SubmissionKeyUsed):
        submit_ill_request(requesting_library=InstitutionFactory(), submission_key=key)
    with pytest.raises(SubmissionKeyUsed):
        submit_ill_request(requesting_library=library, submission_key=key, submitted_by=UserFactory())
    with pytest.raises(SubmissionKeyUsed):
        submit_borrowing(borrowing_details(lender), user=library_user("k@example.kr"), submission_key=borrowed_key)
    with pytest.raises(SubmissionKeyUsed):
        submit_borrowing(borrowing_details(lender, max_amount=Decimal(1)), user=jiwoo, submission_key=borrowed_key)
    assert IllRequest.objects.count() == 2


def test_a_request_kept_without_a_digest_is_never_given_back_for_its_key(library):
    key = uuid.uuid4()
    first = submit_ill_request(requesting_library=library, submission_key=key)
    IllRequest.objects.filter(pk=first.pk).update(submission_digest="")

    with pytest.raises(SubmissionKeyUsed):
        submit_ill_request(requesting_library=library, submission_key=key)


def test_a_library_typed_in_counts_by_what_was_typed():
    typed = InstitutionFactory.build(name_en="Bodleian Libraries", country="GB", city="Oxford")
    same = InstitutionFactory.build(name_en="Bodleian Libraries", country="GB", city="Oxford")
    other = InstitutionFactory.build(name_en="Bodleian Library", country="GB", city="Oxford")

    def digest(lib):
        return details_digest(Direction.NLK_SUPPLIES, {"requesting_library": lib})

    assert digest(typed) == digest(same) != digest(other)


# The pages: a replay leads to its own request; anything else shows nothing of it.


def test_the_form_sent_twice_leads_to_the_same_confirmation(client, library):
    data = form_data(library, action="submit")

    first, again = client.post(URL, data), client.post(URL, data)

    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert IllRequest.objects.count() == 1


def test_the_form_sent_again_with_other_details_shows_nothing_of_the_first_request(client, library):
    data = form_data(library, action="submit")
    client.post(URL, data)
    first = IllRequest.objects.get()

    response = client.post(URL, {**data, "title": "전혀 다른 책", "contact_name": "Someone Else"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "This form has already been sent" in html
    for secret in [first.reference, first.tracking_token, "Marie Dupont"]:
        assert secret not in html
    # The details are kept on a fresh form: sending it makes the second request.
    assert "전혀 다른 책" in html
    fresh_key = _posted_key(html)
    assert fresh_key != data["submission_key"]
    assert IllRequest.objects.count() == 1
    other = {**data, "title": "전혀 다른 책", "contact_name": "Someone Else", "submission_key": fresh_key}
    sent = client.post(URL, other)
    assert sent.status_code == 302
    assert IllRequest.objects.count() == 2


def test_a_borrowing_form_sent_with_an_overseas_request_s_key_shows_nothing_of_it(client, library, jiwoo, lender):
    # borrowing_form_data posts this key.
    client.post(URL, form_data(library, action="submit", submission_key="5b0d6a3c-2f7e-4d0e-9d7c-1d6c1b7c9a11"))
    supplied = IllRequest.objects.get()
    client.force_login(jiwoo)

    response = client.post(reverse("ill:borrow"), borrowing_form_data(lender))

    html = response.content.decode()
    assert response.status_code == 200
    assert "이미 보낸 신청서" in html or "This form has already been sent" in html
    for secret in [supplied.reference, supplied.tracking_token, supplied.email]:
        assert secret not in html
    assert _posted_key(html) != "5b0d6a3c-2f7e-4d0e-9d7c-1d6c1b7c9a11"
    assert IllRequest.objects.count() == 1


def test_an_overseas_form_sent_with_a_borrowing_s_key_shows_nothing_of_it(client, library, jiwoo, lender):
    key = str(uuid.uuid4())
    borrowed = submit_borrowing(borrowing_details(lender), user=jiwoo, submission_key=key)

    response = client.post(URL, form_data(library, action="submit", submission_key=key))

    html = response.content.decode()
    assert response.status_code == 200 and "This form has already been sent" in html
    for secret in [borrowed.reference, borrowed.tracking_token, jiwoo.email]:
        assert secret not in html
    assert IllRequest.objects.count() == 1


def _posted_key(html):
    return re.search(r'name="submission_key" value="([^"]+)"', html)[1]


# The submission limit counts new requests, not the same form sent again.


def test_the_same_form_sent_again_does_not_use_up_the_submission_limit(client, library, settings):
    settings.ILL_SUBMIT_RATE = "2/h"
    data = form_data(library, action="submit")

    replays = [client.post(URL, data).status_code for _ in range(5)]
    second = client.post(URL, form_data(library, action="submit")).status_code
    third = client.post(URL, form_data(library, action="submit")).status_code

    assert replays == [302] * 5
    assert (second, third) == (302, 429)
    assert IllRequest.objects.count() == 2
