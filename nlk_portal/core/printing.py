"""PDFs: HTML printed by WeasyPrint (fonts and stylesheets kept from one document to the next), stored and
handed out.

A process that prints (a Celery worker, or a web process asked for a report) keeps one
WeasyPrint font configuration, so Pango finds and loads each font file once rather than for
every document, and each stylesheet parsed once (again when its file changes). WeasyPrint's
font configuration is not safe to share between threads, so documents are printed one at a
time in a process.
"""

import os
import threading
from typing import Any, cast

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse

_lock = threading.Lock()
_font_config: Any = None
# path: (modification time, CSS)
_stylesheets: dict[str, tuple[int, Any]] = {}


def write_pdf(html: str, stylesheet: str) -> bytes:
    """PDF bytes of the HTML document printed with the static stylesheet of that name."""
    # Imported here so that web processes load WeasyPrint and Pango only when they print.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    global _font_config
    path = cast(str, finders.find(stylesheet))  # one of ours, so found
    with _lock:
        if _font_config is None:
            _font_config = FontConfiguration()
        modified = os.stat(path).st_mtime_ns
        cached = _stylesheets.get(path)
        if cached is None or cached[0] != modified:
            cached = _stylesheets[path] = (modified, CSS(filename=path, font_config=_font_config))
        return HTML(string=html).write_pdf(stylesheets=[cached[1]], font_config=_font_config)


def store_pdf(stored: FieldFile, filename: str, content: bytes) -> None:
    """Keep `content` as the file of `stored` (a FileField of an unsaved change) under `filename`.

    What the field held before is removed, and so is a file left under that name by an attempt
    that was killed before its row pointed at it. The caller saves the row in its transaction.
    """
    storage = stored.storage
    name = stored.field.generate_filename(stored.instance, filename)
    if stored:
        storage.delete(cast(str, stored.name))  # a file it holds has a name
    storage.delete(name)
    stored.save(filename, ContentFile(content), save=False)


def pdf_response(stored: FieldFile, filename: str) -> FileResponse:
    """A stored PDF as a download; callers have checked that the asker may have it."""
    reply = FileResponse(stored.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
    reply["X-Robots-Tag"] = "noindex"
    reply["Cache-Control"] = "private, no-store"
    return reply
