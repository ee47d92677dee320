"""Lists and reports written out for a spreadsheet, and the downloads that carry them.

cells.py holds what a cell is (a formatted number, text defused against formulas); listings.py the
database listings an export reads row by row; writers.py writes rows as CSV and XLSX; downloads.py
makes HTTP responses of them and the admin actions that download a list's selection.
"""
