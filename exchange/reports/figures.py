"""The figures of the two manager reports, as tables: computed in SQL, read by pages and exports alike.

Each report has its module: ill_figures.py and exchange_figures.py; tables.py has what both are made of.
"""

from nlk_portal.core.calendar import library_today

from .exchange_figures import exchange_report
from .ill_figures import ill_report


def build(report, filters, today=None):
    """The report "ill" or "exchange", filtered, with its tables; `today` (the library's by default) dates
    the Window on Korea sites' progress against their plan."""
    today = today or library_today()
    return ill_report(filters) if report == "ill" else exchange_report(filters, today)
