"""Copying rules differ by country: where the law does not permit copying, only a loan is offered."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ill.forms.borrowing import BorrowingRequestForm
from ill.models import CopyPolicy, IllRequest
from ill.selectors import borrowing as selected
from tests.factories import InstitutionFactory

from .steps import borrow, borrowing_details

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_copying_in_france(db):
    # Staff record the rule; the portal names no country of its own accord.
    return CopyPolicy.objects.create(
        country="FR",
        copying_permitted=False,
        note_en="French law does not permit copies for users abroad.",
        note_ko="프랑스 법률은 해외 이용자를 위한 복사를 허용하지 않습니다.",
    )


@pytest.fixture
def french_lender(db):
    return InstitutionFactory(name_en="Bibliothèque nationale de France", country="FR")


def form_data(lender, **overrides):
    details = borrowing_details(lender, **overrides)
    data = {k: v for k, v in details.items() if v is not None and k not in ("lender",)}
    data.update(lender=lender.pk if lender else "", confirms_not_available_elsewhere="on",
                accepts_prepayment="on", transfer_consent="on", submission_key="5b0d6a3c-2f7e-4d0e-9d7c-1d6c1b7c9a11")
    return data


def test_no_country_is_recorded_until_staff_record_one():
    assert not CopyPolicy.objects.exists()
    assert selected.copying_permitted("FR") and selected.copying_permitted("DE")


def test_a_copy_from_a_country_that_does_not_permit_copying_is_refused_with_the_staff_note(
    no_copying_in_france, french_lender
):
    form = BorrowingRequestForm(form_data(french_lender))

    assert not form.is_valid()
    [error] = form.errors["service"]
    assert "France" in error and "ask for a loan" in error
    assert "French law does not permit copies" in error


def test_a_loan_from_that_country_is_accepted(no_copying_in_france, french_lender):
    form = BorrowingRequestForm(form_data(french_lender, service="loan", pages_wanted=""))

    assert form.is_valid(), form.errors


def test_a_copy_from_a_country_without_such_a_rule_is_accepted(no_copying_in_france, lender):
    assert BorrowingRequestForm(form_data(lender)).is_valid()


def test_the_rule_applies_to_a_lender_typed_in_by_its_country(no_copying_in_france):
    form = BorrowingRequestForm(form_data(None, lender_name="Bibliothèque de Lyon", lender_country="FR"))

    assert not form.is_valid()
    assert "service" in form.errors


def test_a_rule_that_permits_copying_changes_nothing(french_lender):
    CopyPolicy.objects.create(country="FR", copying_permitted=True, note_en="Partial copies only.")

    assert BorrowingRequestForm(form_data(french_lender)).is_valid()


def test_the_service_refuses_a_copy_that_reached_it_past_the_form(no_copying_in_france, jiwoo, french_lender):
    with pytest.raises(ValidationError):
        borrow(jiwoo, french_lender)
    assert not IllRequest.objects.exists()


def test_the_form_page_says_why_copying_is_not_offered_in_korean_first(no_copying_in_france, client, jiwoo):
    client.force_login(jiwoo)

    page = client.get(reverse("ill:borrow"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "프랑스 법률은 해외 이용자를 위한 복사를 허용하지 않습니다." in page
    assert 'data-no-copy-country="FR"' in page
    assert "처리 기간: 1~2개월." in page
