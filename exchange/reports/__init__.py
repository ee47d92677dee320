"""Manager reports: what the library exchanged, with whom, and how well it serves ILL.

ill_figures.py and exchange_figures.py compute each report's numbers as tables (tables.py; the ILL
figures through ill.selectors.reporting), figures.py builds either report, rows.py gives the row-by-row
listings, exports.py writes CSV, XLSX and PDF with nlk_portal.core's writers and charts. These read and
write nothing: views and the monthly email (exchange.services.monthly_report) call them.
"""
