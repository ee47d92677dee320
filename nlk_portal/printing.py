"""HTML printed to PDF by WeasyPrint, with the fonts and stylesheets kept from one document to the next.

A process that prints (a Celery worker, or a web process asked for a report) keeps one
WeasyPrint font configuration, so Pango finds and loads each font file once rather than for
every document, and each stylesheet parsed once (again when its file changes). WeasyPrint's
font configuration is not safe to share between threads, so documents are printed one at a
time in a process.
"""

import os
import threading

from django.contrib.staticfiles import finders

_lock = threading.Lock()
_font_config = None
_stylesheets = {}


def write_pdf(html, stylesheet):
    """PDF bytes of the HTML document printed with the static stylesheet of that name."""
    # Imported here so that web processes load WeasyPrint and Pango only when they print.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    global _font_config
    path = finders.find(stylesheet)
    with _lock:
        if _font_config is None:
            _font_config = FontConfiguration()
        modified = os.stat(path).st_mtime_ns
        cached = _stylesheets.get(path)
        if cached is None or cached[0] != modified:
            cached = _stylesheets[path] = (modified, CSS(filename=path, font_config=_font_config))
        return HTML(string=html).write_pdf(stylesheets=[cached[1]], font_config=_font_config)
