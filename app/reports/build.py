"""The monthly report as one value: build_report(month) runs the queries, to_json() gives the
documented JSON (README, "Monthly report"). The page, the exports, the CLI and the email all
start from the same MonthlyReport.
"""

from dataclasses import dataclass, field
from datetime import date

from app.domain import months, report_text
from app.domain.months import shift_month
from app.domain.policy import Mode
from app.domain.states import RequestState
from app.reports import queries, tables, text
from app.satisfaction.queries import Averages

MODE_KEYS = {Mode.VC: "video_conference", Mode.FTF: "face_to_face"}


@dataclass(frozen=True)
class SessionRow:
    no: int
    service_user: str
    day: date
    topics: tuple[str, ...]


@dataclass(frozen=True)
class ModeSection:
    mode: Mode
    count: int
    cancelled: int
    no_show: int
    top_topics: list[str]
    topic_counts: list[tuple[str, int]]
    sessions: list[SessionRow]
    previous: int | None  # None: before the first month with data
    year_before: int | None

    @property
    def label(self) -> str:
        return report_text.MODE_LABELS[self.mode]

    @property
    def change_previous(self) -> str | None:
        return None if self.previous is None else report_text.change_phrase(self.previous, self.count)

    @property
    def change_year_before(self) -> str | None:
        return None if self.year_before is None else report_text.change_phrase(self.year_before, self.count)


@dataclass(frozen=True)
class TrendPoint:
    month: date
    video_conference: int
    face_to_face: int


@dataclass(frozen=True)
class Breaches:
    total: int
    by_type: list[tuple[str, str, int]]  # code, Indonesian label, count
    by_pemda: list[tuple[str, int]]


@dataclass(frozen=True)
class MonthlyReport:
    month: date
    video_conference: ModeSection
    face_to_face: ModeSection
    trend: list[TrendPoint]
    breaches: Breaches
    top_service_users: list[tuple[str, int]]
    satisfaction: Averages
    summary: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def title(self) -> str:
        return report_text.month_year(self.month)

    @property
    def sections(self) -> list[ModeSection]:
        return [self.video_conference, self.face_to_face]

    def to_json(self) -> dict:
        return {
            "month": self.key,
            "title": self.title,
            **{MODE_KEYS[s.mode]: _section_json(s) for s in self.sections},
            "trend": [
                {
                    "month": f"{p.month:%Y-%m}",
                    "video_conference": p.video_conference,
                    "face_to_face": p.face_to_face,
                }
                for p in self.trend
            ],
            "breaches": {
                "total": self.breaches.total,
                "by_type": [{"code": c, "label": label, "count": n} for c, label, n in self.breaches.by_type],
                "by_pemda": [{"service_user": who, "count": n} for who, n in self.breaches.by_pemda],
            },
            "top_service_users": [{"service_user": who, "count": n} for who, n in self.top_service_users],
            "satisfaction": {
                "ratings": self.satisfaction.count,
                "raters": self.satisfaction.raters,
                "service": self.satisfaction.service,
                "substance": self.satisfaction.substance,
            },
            "summary": list(self.summary),
        }


def _section_json(section: ModeSection) -> dict:
    return {
        "count": section.count,
        "cancelled": section.cancelled,
        "no_show": section.no_show,
        "top_topics": list(section.top_topics),
        "topic_counts": [{"code": c, "count": n} for c, n in section.topic_counts],
        "previous_month": section.previous,
        "same_month_last_year": section.year_before,
        "change_previous_month": section.change_previous,
        "change_same_month_last_year": section.change_year_before,
        "sessions": [
            {"no": r.no, "service_user": r.service_user, "date": r.day.isoformat(), "topics": list(r.topics)}
            for r in section.sessions
        ],
    }


def parse_month(raw: str) -> date:
    """ "2023-04" -> date(2023, 4, 1); ValueError for anything else (app.domain.months)."""
    return months.parse_month(raw)


def build_report(month: date) -> MonthlyReport:
    """The report of `month` (any day of it): six statements whatever its size (the topic counts
    come from the session tables, both breach tables are one statement)."""
    month = month.replace(day=1)
    counts = queries.counts(month)
    start, satisfaction = queries.start_and_satisfaction(month)
    topic_table = queries.topic_table()
    lines = tables.sessions(month, topic_table)
    topics = tables.topic_counts(lines, topic_table)

    def known(when: date, mode: Mode) -> int | None:
        return counts.of(when, mode) if start is not None and when >= start else None

    sections = {}
    for mode in (Mode.VC, Mode.FTF):
        sections[mode] = ModeSection(
            mode=mode,
            count=counts.of(month, mode),
            cancelled=counts.not_held.get((mode, RequestState.CANCELLED), 0),
            no_show=counts.not_held.get((mode, RequestState.NO_SHOW), 0),
            top_topics=report_text.top_topics(dict(topics[mode]), [code for code, _ in topics[mode]]),
            topic_counts=topics[mode],
            sessions=[SessionRow(i, who, day, codes) for i, (day, who, codes) in enumerate(lines[mode], 1)],
            previous=known(shift_month(month, -1), mode),
            year_before=known(shift_month(month, -12), mode),
        )
    by_type, by_pemda = queries.breaches(month)
    labels = text.breach_labels([code for code, _ in by_type])
    breaches = Breaches(
        total=sum(n for _, n in by_type),
        by_type=[(code, labels[code], n) for code, n in by_type],
        by_pemda=by_pemda,
    )
    top_users, _ = tables.top_service_users(month)
    report = MonthlyReport(
        month=month,
        video_conference=sections[Mode.VC],
        face_to_face=sections[Mode.FTF],
        trend=[
            TrendPoint(m, counts.of(m, Mode.VC), counts.of(m, Mode.FTF)) for m in queries.trend_months(month)
        ],
        breaches=breaches,
        top_service_users=top_users,
        satisfaction=satisfaction,
    )
    report.summary.extend(text.summary(report))
    return report
