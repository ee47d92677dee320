"""A borrowing from abroad: the details a user in Korea sends, and staff working it to delivery.

The people (`jiwoo`, `lender`, `kim`, `manager`) are fixtures of tests/ill/conftest.py and tests/conftest.py."""

from datetime import timedelta
from decimal import Decimal

from ill.services import borrowing, submission
from nlk_portal.core import calendar


def borrowing_details(lender, **overrides):
    """A user in Korea asks for a copy of a German article not available in Korea."""
    details = {
        "item_type": "article",
        "title": "",
        "article_title": "Koreanische Literatur im Exil",
        "serial_title": "Zeitschrift für Koreanistik",
        "volume": "12",
        "issue": "3",
        "author": "Müller, Anna",
        "publisher": "",
        "place": "Berlin",
        "year": 1998,
        "isbn": "",
        "issn": "",
        "citation_source": "KVK",
        "service": "copy",
        "delivery": "post",
        "pages_wanted": "45-60",
        "postal_address": "서울특별시 서초구 반포대로 201",
        "notes": "",
        "confirms_not_available_elsewhere": True,
        "lender": lender,
        "lender_name": "",
        "lender_country": lender.country.code if lender else "DE",
        "max_amount": Decimal("50000"),
    }
    details.update(overrides)
    return details


def borrow(user, lender, **overrides):
    return submission.submit_borrowing(borrowing_details(lender, **overrides), user=user, language="ko")


def work_to_delivered(ill_request, *, by=None, prepaid="60000", fees=("20000", None, "15000"), today=None):
    """Staff record the prepayment, send the request, the lender's answer, the arrival and the delivery."""
    today = today or calendar.library_today()
    copying, loan, shipping = (Decimal(f) if f is not None else None for f in fees)
    borrowing.record_prepayment(
        ill_request, amount=Decimal(prepaid), currency="KRW", paid_on=today,
        receipt_number=f"R-{ill_request.pk}", by=by,
    )
    borrowing.send_to_lender(ill_request, by=by)
    borrowing.record_lender_answer(
        ill_request, available=True, answered_on=today, fees_currency="KRW",
        copying_fee=copying, loan_fee=loan, shipping_fee=shipping, by=by,
    )
    borrowing.record_arrival(ill_request, arrived_on=today, by=by)
    if ill_request.service == "loan":
        borrowing.deliver(ill_request, delivered_on=today, loan_due_on=today + timedelta(days=28), by=by)
    else:
        borrowing.deliver(ill_request, delivered_on=today, by=by)
    ill_request.refresh_from_db()
    return ill_request
