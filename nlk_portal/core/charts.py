"""Charts drawn on the server as SVG, so that the page and the PDF show the same picture.

Each chart has a title and a description for screen readers, and the page
prints a table of the same figures beside it. Labels are escaped: they come
from records staff and librarians typed. Only presentation attributes are
used (no style attribute), which the page's content security policy allows.
"""

import secrets
from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
BAR = "#1d3c6e"
SECOND = "#c0504d"
AXIS = "#666666"
FONT = 'font-family="Liberation Sans, NanumSquare, Noto Sans CJK KR, sans-serif"'


def _svg(title: str, description: str, height: int | float, body: str) -> SafeString:
    chart_id = f"chart-{secrets.token_hex(4)}"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def _describe(points: Sequence[tuple[Any, ...]]) -> str:
    return "; ".join(f"{label}: {value}" for label, value in points)


def _short(label: object, length: int = 28) -> str:
    label = str(label)
    return label if len(label) <= length else label[: length - 1] + "…"


def empty_chart(title: str) -> SafeString:
    return _svg(
        title,
        _("No figures for these filters."),
        40,
        f'<text x="0" y="24" {FONT} font-size="13" fill="{AXIS}">{escape(_("No figures for these filters."))}</text>',
    )


def bar_chart(title: str, points: Sequence[tuple[Any, float]]) -> SafeString:
    """Horizontal bars, largest first: for rankings such as the top partner countries."""
    if not points or not any(value for _label, value in points):
        return empty_chart(title)
    label_width, row, top = 200, 24, 10
    largest = max(value for _label, value in points) or 1
    scale = (WIDTH - label_width - 60) / largest
    parts = []
    for index, (label, value) in enumerate(points):
        y = top + index * row
        length = value * scale
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" {FONT} font-size="12" fill="#111111">'
            f"{escape(_short(label))}</text>"
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" fill="{BAR}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}" {FONT} font-size="12" fill="#111111">{value}</text>'
        )
    height = top * 2 + row * len(points)
    return _svg(title, _describe(points), height, "".join(parts))


def column_chart(title: str, points: Sequence[tuple[Any, float]]) -> SafeString:
    """Vertical columns in order: for trends over months or years, and distributions."""
    return grouped_column_chart(title, [(label, value) for label, value in points], None)


def grouped_column_chart(
    title: str, points: Sequence[tuple[Any, ...]], series: Sequence[str] | None
) -> SafeString:
    """Columns side by side for each label, one per series (e.g. sent and received)."""
    values = [value for point in points for value in point[1:]]
    if not points or not any(values):
        return empty_chart(title)
    left, bottom, top, height = 40, 50, 24 if series else 10, 260
    plot_height = height - bottom - top
    largest = max(values) or 1
    slot = (WIDTH - left - 10) / len(points)
    per_point = len(points[0]) - 1
    bar = max(2.0, min(40.0, slot * 0.8 / per_point))
    colours = [BAR, SECOND]
    parts = [
        f'<line x1="{left}" y1="{top + plot_height}" x2="{WIDTH - 10}" y2="{top + plot_height}" stroke="{AXIS}"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" {FONT} font-size="11" fill="{AXIS}">{largest}</text>',
        f'<text x="{left - 6}" y="{top + plot_height}" text-anchor="end" {FONT} font-size="11" fill="{AXIS}">0</text>',
    ]
    every = max(1, len(points) // 12)  # at most a dozen labels under the axis
    for index, (label, *point_values) in enumerate(points):
        x0 = left + index * slot + (slot - bar * per_point) / 2
        for n, value in enumerate(point_values):
            h = value / largest * plot_height
            # Each column names its series, so that a reader who hovers knows which of the pair it is.
            name = f"{label} · {series[n]}" if series else label
            parts.append(
                f'<rect x="{x0 + n * bar:.1f}" y="{top + plot_height - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colours[n % 2]}"><title>{escape(name)}: {value}</title></rect>'
            )
        if index % every == 0:
            parts.append(
                f'<text x="{left + index * slot + slot / 2:.1f}" y="{top + plot_height + 16}" text-anchor="middle" '
                f'{FONT} font-size="11" fill="#111111">{escape(_short(label, 14))}</text>'
            )
    if series:
        for n, name in enumerate(series):
            x = left + n * 160
            parts.append(
                f'<rect x="{x}" y="4" width="12" height="12" fill="{colours[n % 2]}"/>'
                f'<text x="{x + 18}" y="14" {FONT} font-size="12" fill="#111111">{escape(name)}</text>'
            )
        described = [(label, " / ".join(str(v) for v in vals)) for label, *vals in points]
        description = f"{' / '.join(str(s) for s in series)}: {_describe(described)}"
    else:
        description = _describe(points)
    return _svg(title, description, height, "".join(parts))
