"""Averages per month (WIB) and per narasumber, with the number of ratings beside each."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.extensions import db
from app.satisfaction import queries, services
from app.scheduling.models import AssignmentStatus
from tests import factories
from tests.requests.helpers import login_as
from tests.scheduling import factories as sched

WIB = ZoneInfo("Asia/Jakarta")


def rate(req, owner, service, substance, comment=None):
    services.rate(owner, req, service, substance, comment)
    db.session.commit()


def test_month_averages_follow_wib_month_boundaries(app, pemda, held):
    # 1 December 00:30 WIB is still 30 November in UTC: it counts in December.
    early = held(start=datetime(2026, 12, 1, 0, 30, tzinfo=WIB))
    late = held(start=datetime(2026, 11, 30, 23, 30, tzinfo=WIB))
    rate(early, pemda, 4, 2)
    rate(late, pemda, 2, 2)
    december = queries.month_averages(date(2026, 12, 1))
    november = queries.month_averages(date(2026, 11, 1))
    assert (december.count, december.service, december.substance) == (1, 4.0, 2.0)
    assert (november.count, november.service) == (1, 2.0)


def test_per_narasumber_counts_ratings_and_distinct_raters(app, pemda, held, person):
    second = sched.narasumber("Budi Narasumber")
    colleague = factories.pemda_user(factories.BREBES, name="Operator Kedua")
    db.session.commit()
    sessions = [
        held(start=datetime(2026, 12, d, 9, 0, tzinfo=WIB), people=[person]) for d in (1, 2, 3, 4, 7, 8)
    ]
    for i, req in enumerate(sessions[:5]):
        rate(req, colleague if i % 2 else pemda, 5, 4)
    held(start=datetime(2026, 12, 9, 9, 0, tzinfo=WIB), people=[second])
    people = {p.name: p for p in queries.per_narasumber(date(2026, 12, 1))}
    rina, budi = people["Dr. Rina Narasumber"], people["Budi Narasumber"]
    assert (rina.sessions, rina.averages.count, rina.averages.raters) == (6, 5, 2)
    assert rina.averages.service == 5.0
    # 5 ratings but from 2 users only: below DJPK's expectation of 5 from 5 users.
    assert rina.below_expectation
    assert (budi.sessions, budi.averages.count, budi.below_expectation) == (1, 0, True)


def test_five_ratings_from_five_users_meet_the_expectation(app, pemda, held, person):
    users = [
        factories.pemda_user(code, name=f"Operator {code}")
        for code in ("33.29", "64.71", "91.71", "11.01", "11.02")
    ]
    db.session.commit()
    for i, user in enumerate(users):
        rate(held(owner=user, start=datetime(2026, 12, i + 1, 9, 0, tzinfo=WIB), people=[person]), user, 4, 4)
    (rina,) = queries.per_narasumber(date(2026, 12, 1))
    assert (rina.averages.count, rina.averages.raters, rina.below_expectation) == (5, 5, False)


def test_overview_page_shows_averages_and_who_is_below(client, pemda, held, person, coordinator):
    rate(held(start=datetime(2026, 12, 2, 9, 0, tzinfo=WIB), people=[person]), pemda, 5, 3, "Sangat membantu")
    login_as(client, coordinator)
    page = client.get("/koordinator/kepuasan?bulan=2026-12")
    assert page.status_code == 200
    assert 'data-test="avg-service">5,00' in page.text
    assert 'data-test="avg-substance">3,00' in page.text
    assert "Dr. Rina Narasumber" in page.text and "Di bawah harapan" in page.text
    assert "Sangat membantu" in page.text
    assert client.get("/koordinator/kepuasan?bulan=2026-13").status_code == 400  # test_bad_months.py


def test_overview_is_for_coordinators_only(client, pemda):
    login_as(client, pemda)
    assert client.get("/koordinator/kepuasan").status_code == 403


def test_the_trend_follows_each_new_rating(client, pemda, held, person, coordinator):
    """The six months' averages are kept between views (app.core.kept): a rating given after
    a view is in the next one."""
    first = held(start=datetime(2026, 12, 2, 9, 0, tzinfo=WIB), people=[person])
    second = held(start=datetime(2026, 12, 3, 9, 0, tzinfo=WIB), people=[person])
    rate(first, pemda, 5, 3)
    login_as(client, coordinator)
    assert 'data-test="avg-service">5,00' in client.get("/koordinator/kepuasan?bulan=2026-12").text
    assert queries.trend(date(2026, 12, 1))[-1][1].count == 1
    rate(second, pemda, 3, 3)
    assert 'data-test="avg-service">4,00' in client.get("/koordinator/kepuasan?bulan=2026-12").text
    assert queries.trend(date(2026, 12, 1))[-1][1].count == 2


def test_the_people_follow_new_sessions_and_renames(client, pemda, held, person, coordinator):
    """The figures per narasumber are kept between views: a held session and a rating given
    after a view are in the next one, and so is a narasumber's new name."""
    rate(held(start=datetime(2026, 12, 2, 9, 0, tzinfo=WIB), people=[person]), pemda, 5, 3)
    december = date(2026, 12, 1)
    (rina,) = queries.per_narasumber(december)
    assert (rina.sessions, rina.averages.count) == (1, 1)
    second = sched.narasumber("Budi Narasumber")
    db.session.commit()
    both = held(start=datetime(2026, 12, 3, 9, 0, tzinfo=WIB), people=[person, second])
    db.session.commit()
    people = {p.name: p for p in queries.per_narasumber(december)}
    assert (people["Dr. Rina Narasumber"].sessions, people["Budi Narasumber"].sessions) == (2, 1)
    # Only an assignment changes (the session's own columns do not): it is seen too.
    (rinas,) = [a for a in both.assignments if a.narasumber_id == person.id]
    rinas.status = AssignmentStatus.DECLINED
    db.session.commit()
    people = {p.name: p for p in queries.per_narasumber(december)}
    assert people["Dr. Rina Narasumber"].sessions == 1
    second.user.name = "Budi Santoso"
    db.session.commit()
    assert {p.name for p in queries.per_narasumber(december)} == {"Dr. Rina Narasumber", "Budi Santoso"}
    login_as(client, coordinator)
    assert "Budi Santoso" in client.get("/koordinator/kepuasan?bulan=2026-12").text
