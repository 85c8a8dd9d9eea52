"""Bar charts of the last six months as inline SVG, drawn on the server: no JavaScript, no
external asset, and they print as sharply as the text around them.
"""

from datetime import date
from math import ceil

from markupsafe import Markup, escape

SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
COLOURS = ("#0b3c6f", "#e0a100")  # DJPK blue, gold
WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 36, 10, 28, 34


def short_month(month: date) -> str:
    return f"{SHORT_MONTHS[month.month - 1]} {month:%y}"


def _nice_max(value: int) -> int:
    """A round top for the axis: 4 -> 4, 7 -> 8, 13 -> 15, 230 -> 250."""
    if value <= 4:
        return max(value, 1)
    for step in (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000):
        if value / step <= 5:
            return ceil(value / step) * step
    return value


def bar_chart(
    title: str,
    months: list[date],
    series: list[tuple[str, list[int]]],
    *,
    chart_id: str = "chart",
) -> Markup:
    """Grouped bars, one group per month and one bar per series, with values on the bars."""
    top = _nice_max(max((v for _, values in series for v in values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(months), 1)
    bar_w = group_w * 0.7 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title" class="report-chart" id="{escape(chart_id)}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<text x="{LEFT}" y="14" font-size="12" font-weight="600">{escape(title)}</text>',
    ]
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        label = f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{label}</text>')
    for m, month in enumerate(months):
        x0 = LEFT + group_w * m + group_w * 0.15
        for s, (name, values) in enumerate(series):
            value = values[m]
            h = plot_h * value / top
            x, y = x0 + bar_w * s, TOP + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[s % len(COLOURS)]}"><title>{escape(name)}, {escape(short_month(month))}: '
                f"{value}</title></rect>"
            )
            parts.append(
                f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 3:.1f}" font-size="10" '
                f'text-anchor="middle">{value}</text>'
            )
        parts.append(
            f'<text x="{LEFT + group_w * (m + 0.5):.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" '
            f'text-anchor="middle">{escape(short_month(month))}</text>'
        )
    legend_x = LEFT
    for s, (name, _) in enumerate(series):
        y = HEIGHT - 8
        parts.append(
            f'<rect x="{legend_x}" y="{y - 9}" width="10" height="10" fill="{COLOURS[s % len(COLOURS)]}"/>'
        )
        parts.append(f'<text x="{legend_x + 14}" y="{y}" font-size="10">{escape(name)}</text>')
        legend_x += 14 + 7 * len(name) + 20
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_charts(report) -> list[Markup]:
    """The report's charts: held sessions per mode over the six months, together and apart."""
    months = [p.month for p in report.trend]
    vc = [p.video_conference for p in report.trend]
    ftf = [p.face_to_face for p in report.trend]
    return [
        bar_chart(
            "Konsultasi terlaksana 6 bulan terakhir",
            months,
            [("Video Conference", vc), ("Tatap Muka", ftf)],
            chart_id="chart-trend",
        ),
    ]
