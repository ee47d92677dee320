"""Manager reports: what the library exchanged, with whom, and how well it serves ILL.

figures.py computes the numbers (ILL figures through ill.selectors.reporting),
rows.py the row-by-row listings, exports.py writes CSV, XLSX and PDF with
nlk_portal.core's writers and charts; views and the monthly email call these.
"""
