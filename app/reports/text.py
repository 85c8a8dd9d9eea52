"""Report sentences that app.domain.report_text does not write: not-held sessions, the
service user that consulted most, breaches and satisfaction. Indonesian by design, like the
rest of the report's text (it is DJPK's report, whatever language the reader's screen is in).
"""

from collections.abc import Iterable

from app.domain import breaches, report_text
from app.domain.report_text import format_decimal, format_integer, join_words


def breach_labels(codes: Iterable[str]) -> dict[str, str]:
    """The catalogue's Indonesian label of each code; an unknown code as written."""
    from flask import has_app_context
    from flask_babel import force_locale

    codes = list(codes)
    if not has_app_context():
        return {code: breaches.label(code) for code in codes}
    with force_locale("id"):
        return {code: breaches.label(code) for code in codes}


def not_held_sentence(cancelled: int, no_show: int) -> str | None:
    parts = []
    if cancelled:
        parts.append(f"{format_integer(cancelled)} sesi dibatalkan")
    if no_show:
        parts.append(f"{format_integer(no_show)} sesi tidak dihadiri Pemda")
    if not parts:
        return None
    return f"Selain itu, {join_words(parts)}; sesi tersebut tidak dihitung sebagai konsultasi terlaksana."


def top_users_sentence(users: list[tuple[str, int]]) -> str | None:
    if not users:
        return None
    names = join_words(name for name, _ in users)
    times = format_integer(users[0][1])
    if len(users) == 1:
        return f"Pengguna layanan yang paling banyak berkonsultasi adalah {names} ({times} kali)."
    return f"Pengguna layanan yang paling banyak berkonsultasi adalah {names} (masing-masing {times} kali)."


def breaches_sentence(total: int, by_type: list[tuple[str, str, int]]) -> str:
    if not total:
        return "Tidak tercatat pelanggaran ketentuan layanan konsultasi."
    best = by_type[0][2]
    top = join_words(label for _, label, n in by_type if n == best)
    return (
        f"Tercatat {format_integer(total)} pelanggaran ketentuan layanan konsultasi, "
        f"terbanyak berupa {top} ({format_integer(best)} kali)."
    )


def satisfaction_sentence(count: int, service: float | None, substance: float | None) -> str | None:
    if not count or service is None or substance is None:
        return None
    return (
        f"Rata-rata nilai kepuasan atas pelayanan {format_decimal(service)} dan atas substansi jawaban "
        f"{format_decimal(substance)} (skala 1-5, dari {format_integer(count)} penilaian)."
    )


def summary(report) -> list[str]:
    """The report's sentences, in the order DJPK writes them."""
    year, month = report.month.year, report.month.month
    sentences = []
    for section in report.sections:
        sentences.append(
            report_text.summary_sentence(section.mode, year, month, section.count, section.top_topics)
        )
        sentences.append(
            report_text.comparison_sentence(
                section.mode, year, month, section.count, section.previous, section.year_before
            )
        )
    cancelled = sum(s.cancelled for s in report.sections)
    no_show = sum(s.no_show for s in report.sections)
    optional = [
        not_held_sentence(cancelled, no_show),
        top_users_sentence(report.top_service_users),
        breaches_sentence(report.breaches.total, report.breaches.by_type),
        satisfaction_sentence(
            report.satisfaction.count, report.satisfaction.service, report.satisfaction.substance
        ),
    ]
    return sentences + [s for s in optional if s]
