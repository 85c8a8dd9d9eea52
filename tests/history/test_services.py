"""plan() and apply() directly: topics an administrator added, stored aliases, refusals."""

import pytest

from app.auth.models import UnitType
from app.extensions import db
from app.history import services
from app.history.reader import SheetRow
from tests import factories


def row(number, user, topics="DAU", mode="VC", day="3/4/2023"):
    return SheetRow(number, mode, user, day, topics)


def test_a_topic_code_beats_a_default_alias(topics):
    factories.topic("DD", "Dana Darurat")  # "DD" is also a default writing of Dana Desa
    plan = services.plan([row(2, "Kab. Brebes", "DD dan Dana Desa")])
    assert plan.ok and plan.to_add[0].topic_codes == ("DD", "Dana Desa")


def test_an_exact_name_beats_a_longer_one(topics):
    plan = services.plan([row(2, "kab bandung"), row(3, "Kab. Bandung Barat"), row(4, "Prov. Riau")])
    assert [r.service_user for r in plan.to_add] == ["Kab. Bandung", "Kab. Bandung Barat", "Prov. Riau"]


def test_dprd_written_in_front(topics):
    (planned,) = services.plan([row(2, "DPRD Kabupaten Brebes")]).to_add
    assert planned.unit_type == UnitType.DPRD and planned.service_user == "Kab. Brebes (DPRD)"


def test_a_plan_with_problems_is_refused(topics):
    plan = services.plan([row(2, "Kab. Bandungg")])
    assert [u.written for u in plan.unresolved] == ["Kab. Bandungg"]
    assert plan.unresolved[0].rows == [2]
    with pytest.raises(services.ImportRefused):
        services.apply(plan, filename="x.csv", sha256="0" * 64)


def test_keeping_only_some_names(topics):
    rows = [row(2, "Pemkab Antah Berantah"), row(3, "Kab. Bandungg")]
    plan = services.plan(rows, keep_unresolved=["PEMKAB ANTAH BERANTAH"])
    assert [p.row for p in plan.problems] == [3]


def test_a_changed_alias_is_updated(topics):
    plan = services.plan([row(2, "Kab. Bandungg")], {"Kab. Bandungg": "32.17"})
    services.apply(plan, filename="a.csv", sha256="a" * 64)
    plan = services.plan([row(2, "Kab. Bandungg", day="4/4/2023")], {"Kab Bandungg": "32.04"})
    services.apply(plan, filename="b.csv", sha256="b" * 64)
    db.session.commit()
    plan = services.plan([row(2, "Kabupaten Bandungg", day="5/4/2023")])
    assert plan.to_add[0].service_user == "Kab. Bandung"


def test_a_real_database_error_leaves_nothing(topics):
    """Two imports planned at once: the second one's flush hits the unique fingerprint."""
    from sqlalchemy import func, select
    from sqlalchemy.exc import IntegrityError

    from app.history.models import HistorySession, ImportBatch, RegionAlias

    rows = [row(2, "Kab. Brebes"), row(3, "Kab. Bandungg")]
    first = services.plan(rows[:1])
    second = services.plan(rows, {"Kab. Bandungg": "32.04"})
    services.apply(first, filename="a.csv", sha256="a" * 64)
    db.session.commit()
    with pytest.raises(IntegrityError):
        services.apply(second, filename="b.csv", sha256="b" * 64)
    db.session.commit()  # nothing left to commit: apply() rolled back
    assert db.session.scalar(select(func.count()).select_from(HistorySession)) == 1
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 1
    assert db.session.scalar(select(func.count()).select_from(RegionAlias)) == 0
