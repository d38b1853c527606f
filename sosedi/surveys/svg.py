"""Server-rendered SVG charts: no JavaScript, printable, readable by screen readers through <title> and the
table printed next to each chart."""

from datetime import date

from django.utils.html import escape
from django.utils.safestring import mark_safe

BAR_H = 26
LABEL_W = 0  # labels sit above each bar so long Russian options wrap-free fit a 360-px screen


def _ru(number: float) -> str:
    """3.5 → «3,5», as the tables beside the charts print numbers."""
    return f"{number:g}".replace(".", ",")


def bar_chart(bars: list[tuple[str, int, float]], *, ranking: bool = False, title: str = "") -> str:
    """Horizontal bars; for a ranking the value is the mean place (shorter is better, drawn inverted)."""
    if not bars:
        return ""
    width = 600
    height = len(bars) * (BAR_H + 18) + 4
    top = max((b[2] for b in bars), default=0) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="Диаграмма: {escape(title)}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, count, value) in enumerate(bars):
        y = i * (BAR_H + 18)
        if ranking:
            share = (len(bars) + 1 - value) / len(bars) if value else 0
            caption = f"{escape(label)} — среднее место {_ru(value)}"
        else:
            share = value / 100 if top <= 100 else value / top
            caption = f"{escape(label)} — {count} ({_ru(value)}%)"
        w = max(2, int((width - 8) * min(share, 1)))
        parts.append(f'<text x="0" y="{y + 13}" font-size="14">{caption}</text>')
        parts.append(
            f'<rect x="0" y="{y + 17}" width="{w}" height="{BAR_H - 8}" rx="3" class="bar">'
            f"<title>{caption}</title></rect>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every label is escaped above


def line_chart(points: list[tuple[date, int]]) -> str:
    """Responses per day as columns."""
    if not points:
        return ""
    width, height = 600, 160
    top = max(n for _d, n in points) or 1
    step = min(width / len(points), 40)  # one day must not fill the whole chart
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 20}" width="100%" role="img" '
        f'aria-label="Ответы по дням" xmlns="http://www.w3.org/2000/svg"><title>Ответы по дням</title>'
    ]
    for i, (day, n) in enumerate(points):
        h = max(1, int(height * n / top))
        x = i * step
        parts.append(
            f'<rect x="{x:.1f}" y="{height - h}" width="{max(step - 2, 1):.1f}" height="{h}" class="bar">'
            f"<title>{day:%d.%m.%Y}: {n}</title></rect>"
        )
    parts.append(f'<text x="0" y="{height + 16}" font-size="12">{points[0][0]:%d.%m}</text>')
    if len(points) > 1:
        parts.append(
            f'<text x="{step * len(points):.0f}" y="{height + 16}" font-size="12" text-anchor="end">'
            f"{points[-1][0]:%d.%m}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — numbers and dates only
