"""Manager reports: what the library exchanged, with whom, and how well it serves ILL.

figures.py computes the numbers, rows.py the row-by-row listings, charts.py
draws them as SVG, exports.py writes CSV, XLSX and PDF; views and the
monthly email call these.
"""
