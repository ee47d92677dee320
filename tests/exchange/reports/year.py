"""A small year of the library's work, with figures worked out by hand in the tests (the `ill_year`
fixture of tests/conftest.py, `ill_money` and `exchange_year` of tests/exchange/reports/conftest.py).

ILL, requests NLK supplies (received 2025, Seoul time), and how long each took:
  France: 1 Mar (2 days), 5 Mar (4 days), 1 May (40 days: past the one-month target), 1 Jun (still open)
  Japan:  1 Apr (10 days), 10 Apr (20 days), 2 May (unfilled: not held)
and one request NLK borrows from a French library for a user in Korea, 5 Jun (45 days: within two months).
Supplied turnaround days 2, 4, 10, 20, 40: median 10, 90th percentile 20 + 0.6 × 20 = 32.
"""

from datetime import datetime, timedelta

from ill.models import Borrowing, StatusChange
from ill.status import Status
from nlk_portal.core import calendar
from tests.factories import submit_ill_request

SEOUL = calendar.LIBRARY_TIME_ZONE


def seoul(year, month, day, hour=10):
    return datetime(year, month, day, hour, tzinfo=SEOUL)


def record(ill_request, to_status, at, reason=""):
    """A step in the request's history, dated as it happened."""
    StatusChange.objects.create(
        request=ill_request, from_status=ill_request.status, to_status=to_status, changed_at=at, reason=reason
    )
    ill_request.status = to_status
    ill_request.save(update_fields=["status"])


def completed(library, received, days, direction="supplies"):
    ill_request = submit_ill_request(requesting_library=library, received_at=received)
    if direction != "supplies":
        ill_request.direction = direction
        ill_request.save(update_fields=["direction"])
        Borrowing.objects.create(
            request=ill_request, lender=library, lender_country=library.country, target_date=received.date()
        )
    record(ill_request, Status.WILL_SUPPLY, received + timedelta(days=1))
    record(ill_request, Status.COPY_COMPLETED, received + timedelta(days=days))
    return ill_request


def requests_of_the_year(france, japan):
    """The ILL requests of the year (see the module's docstring), by name."""
    requests = {
        "fr_mar_1": completed(france, seoul(2025, 3, 1), 2),
        "fr_mar_5": completed(france, seoul(2025, 3, 5), 4),
        "jp_apr_1": completed(japan, seoul(2025, 4, 1), 10),
        "jp_apr_10": completed(japan, seoul(2025, 4, 10), 20),
        "fr_may_1": completed(france, seoul(2025, 5, 1), 40),
        "fr_jun_5_borrowed": completed(france, seoul(2025, 6, 5), 45, direction="borrows"),
    }
    unfilled = submit_ill_request(requesting_library=japan, received_at=seoul(2025, 5, 2))
    record(unfilled, Status.UNFILLED, seoul(2025, 5, 3), reason="not_held")
    requests["jp_may_2_unfilled"] = unfilled
    requests["fr_jun_1_open"] = submit_ill_request(requesting_library=france, received_at=seoul(2025, 6, 1))
    # Another year, which a 2025 filter leaves out.
    requests["jp_2024"] = completed(japan, seoul(2024, 12, 1), 3)
    return requests
