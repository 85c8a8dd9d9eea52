"""Hypothesis settings and strategies shared by the domain tests.

The settings are deterministic (derandomize) and write no example database, so the suite is
fast, repeatable and leaves no `.hypothesis` directory behind.
"""

from datetime import date, timedelta

from hypothesis import settings
from hypothesis import strategies as st

from app.domain.workdays import WorkCalendar

DOMAIN_SETTINGS = settings(max_examples=200, deadline=None, database=None, derandomize=True)

FIRST_DAY = date(2026, 1, 1)
LAST_DAY = date(2026, 12, 31)

# An Idul Fitri-like block (a week of holiday and joint leave straddling a weekend), a
# Christmas-like pair, and a lone mid-week holiday: the shapes the real calendar has.
LEBARAN_BLOCK = frozenset(date(2026, 3, 18) + timedelta(days=i) for i in range(7))
CHRISTMAS_PAIR = frozenset({date(2026, 12, 24), date(2026, 12, 25)})
LONE_HOLIDAY = frozenset({date(2026, 5, 1)})

FIXED_DAYS_OFF = (
    frozenset(),
    LEBARAN_BLOCK,
    CHRISTMAS_PAIR,
    LEBARAN_BLOCK | CHRISTMAS_PAIR | LONE_HOLIDAY,
)

dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)


@st.composite
def calendars(draw) -> WorkCalendar:
    """A WorkCalendar with one of the fixed sets of days off, or a random scatter of them."""
    days_off = draw(
        st.one_of(
            st.sampled_from(FIXED_DAYS_OFF),
            st.frozensets(dates, max_size=40),
        )
    )
    return WorkCalendar(days_off=days_off)
