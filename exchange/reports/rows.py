"""Row-by-row listings behind the reports: the shipments (exchange.selectors.shipments), and the requests as
ill.selectors.reporting lists them.

Every column is computed by the database, so that an export reads plain
tuples and builds no model instances.
"""

from ill.selectors import reporting

from ..selectors.shipments import shipment_listing
from . import exchange_figures, ill_figures


def for_report(report, filters):
    """The listing a report's CSV and XLSX carry: the requests, or the shipments."""
    if report == "ill":
        return reporting.request_listing(ill_figures.ill_requests(filters))
    return shipment_listing(exchange_figures.shipments(filters))
