"""The administrators' audit page: admin only, newest first, 50 a page, filters (who, action,
object, WIB dates, security events), readable changes, the chain's state, nothing to submit
that changes anything."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from app.auth.models import Role
from app.core import audit
from app.extensions import db
from tests import factories


def _row(action="topic.update", obj=("Topic", 1), **kwargs):
    return audit.record(action, obj, **kwargs)


def _ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="audit-(\d+)"', html)]


def _older(html: str) -> str:
    """The "Lebih lama" (older rows) link: the only one with a cursor."""
    return re.search(r'href="([^"]*sebelum=\d+[^"]*)"', html).group(1).replace("&amp;", "&")


def _page(client, **args) -> str:
    response = client.get("/admin/audit", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


@pytest.mark.parametrize("role", ["pemda", "coordinator", "narasumber", "receptionist"])
def test_other_roles_are_refused(client, logged_in, role):
    logged_in(role)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit?view=keamanan").status_code == 403


def test_newest_first_fifty_a_page(client, logged_in):
    logged_in("admin")
    for n in range(120):
        _row(obj=("Topic", n))
    db.session.commit()
    first = _page(client, object_type="Topic")
    ids = _ids(first)
    assert len(ids) == 50 and ids == sorted(ids, reverse=True)
    second = client.get(_older(first)).get_data(as_text=True)
    assert _ids(second) == [i - 50 for i in ids]
    third = client.get(_older(second)).get_data(as_text=True)
    assert len(_ids(third)) == 20 and "Lebih lama" not in third and "Terbaru" in third


def test_filters_by_who_action_and_object(client, logged_in):
    admin = logged_in("admin")
    budi = factories.user(Role.COORDINATOR, name="Budi Santoso", email="budi@djpk.go.id")
    target = factories.pemda_user(name="Operator Brebes")
    by_budi = _row("user.activate", target, actor=budi, after={"activated": True})
    other = _row("topic.create", ("Topic", 7), actor=admin, after={"code": "DAU"})
    db.session.commit()

    for who in ("budi santoso", "BUDI@djpk"):
        assert _ids(_page(client, who=who)) == [by_budi.id]
    assert _ids(_page(client, who="100%")) == []  # % is a character here, not a wildcard
    assert _ids(_page(client, action="topic.create")) == [other.id]
    assert _ids(_page(client, object_type="User", object_id=str(target.id))) == [by_budi.id]
    html = _page(client, object_type="User", object_id=str(target.id))
    assert "Pendaftaran diaktifkan" in html and "Operator Brebes" in html and "Budi Santoso" in html


def test_filters_by_wib_dates(client, logged_in):
    logged_in("admin")
    # 6 December 23:30 WIB and 7 December 00:30 WIB: different WIB days, the same UTC day.
    late = _row(obj=("Topic", 1), at=datetime(2026, 12, 6, 16, 30, tzinfo=UTC))
    early = _row(obj=("Topic", 2), at=datetime(2026, 12, 6, 17, 30, tzinfo=UTC))
    db.session.commit()
    # Topics only: the login above is audited at the real time, which may be any day.
    assert _ids(_page(client, object_type="Topic", date_from="2026-12-07", date_to="2026-12-07")) == [
        early.id
    ]
    assert _ids(_page(client, object_type="Topic", date_to="2026-12-06")) == [late.id]
    assert "Minggu, 6 Desember 2026 23.30 WIB" in _page(client, object_type="Topic")


def test_a_backwards_date_range_is_explained_and_left_out(client, logged_in):
    logged_in("admin")
    row = _row(at=datetime(2026, 12, 8, 3, 0, tzinfo=UTC))
    db.session.commit()
    html = _page(client, object_type="Topic", date_from="2026-12-07", date_to="2026-12-01")
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in html
    assert _ids(html) == [row.id]
    assert "Isi tanggal dengan format TTTT-BB-HH." in _page(client, date_from="7/12/2026")


def test_an_unknown_action_is_refused_as_a_filter(client, logged_in):
    logged_in("admin")
    _row()
    db.session.commit()
    html = _page(client, object_type="Topic", action="topic.delete' OR 1=1")
    assert "Saringan berikut tidak dipakai" in html and len(_ids(html)) == 1


def test_the_security_view_shows_auth_and_security_events_only(client, logged_in):
    admin = logged_in("admin")
    forbidden = _row("security.forbidden", ("User", admin.id), actor=admin, after={"path": "/admin/x"})
    ordinary = _row("topic.update", ("Topic", 1), actor=admin)
    db.session.commit()
    security = _ids(_page(client, view="keamanan"))
    assert forbidden.id in security and ordinary.id not in security
    assert all(
        a.startswith(("auth.", "security."))
        for a in re.findall(r'data-action="([^"]+)"', _page(client, view="keamanan"))
    )
    assert ordinary.id in _ids(_page(client))
    html = _page(client, view="keamanan")
    assert 'aria-current="page" href="/admin/audit?view=keamanan"' in html and "Akses ditolak" in html
    assert 'name="view" type="hidden" value="keamanan"' in html


def test_changes_are_shown_as_before_and_after(client, logged_in):
    admin = logged_in("admin")
    _row(
        "security.role_change",
        ("User", admin.id),
        actor=admin,
        before={"role": "coordinator", "name": "Sama"},
        after={"role": "admin", "name": "Sama", "note": "baru"},
    )
    db.session.commit()
    html = _page(client, action="security.role_change")
    assert "<del>coordinator</del> → <ins>admin</ins>" in html
    assert "<ins>baru</ins>" in html and "Sama" not in html.split('id="baris-audit"')[1]
    assert "Peran diubah" in html


def test_the_page_changes_nothing(client, logged_in):
    logged_in("admin")
    _row()
    db.session.commit()
    main = _page(client).split("<main", 1)[1].split("</main>", 1)[0]
    assert re.findall(r"<form[^>]*>", main) and all(
        'method="get"' in f for f in re.findall(r"<form[^>]*>", main)
    )
    assert client.post("/admin/audit").status_code == 405


def test_the_page_shows_the_chain_is_intact(client, logged_in):
    logged_in("admin")
    for n in range(3):
        _row(obj=("Topic", n))
    db.session.commit()
    html = _page(client)
    count = db.session.execute(text("SELECT count(*) FROM audit_log")).scalar()
    assert f"Rantai audit utuh: {count} baris terbaru diperiksa." in html


def test_the_page_shows_where_the_chain_breaks(client, logged_in):
    logged_in("admin")
    rows = [_row(obj=("Topic", n)) for n in range(3)]
    db.session.commit()
    changed = rows[1].id
    db.session.remove()
    with db.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text("UPDATE audit_log SET object_id = '99' WHERE id = :id"), {"id": changed})
        if postgres:
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
    assert f"Rantai audit rusak mulai baris id {changed}:" in _page(client)


def _tamper(row_id: int) -> None:
    db.session.remove()
    with db.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        conn.execute(text("UPDATE audit_log SET object_id = '99' WHERE id = :id"), {"id": row_id})
        if postgres:
            conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))


def test_the_unfiltered_page_checks_the_rows_it_shows(client, logged_in):
    logged_in("admin")
    rows = [_row(obj=("Topic", n)) for n in range(60)]
    db.session.commit()
    html = _page(client)
    assert "Rantai audit utuh: 50 baris terbaru diperiksa." in html
    changed = rows[-5].id
    _tamper(changed)
    assert f"Rantai audit rusak mulai baris id {changed}:" in _page(client)


def test_a_filtered_page_does_not_show_a_changed_older_row_as_intact(client, logged_in):
    """The page checks the chain's newest rows; a filtered view may show older rows, and
    each of those is checked on its own."""
    logged_in("admin")
    old = _row(action="room.update", obj=("Room", 1))
    for n in range(60):
        _row(obj=("Topic", n))
    db.session.commit()
    _tamper(old.id)
    assert "Rantai audit utuh" in _page(client)  # the 50 newest rows are intact
    html = _page(client, object_type="Room")
    assert f"Rantai audit rusak mulai baris id {old.id}:" in html


def test_the_admin_menu_links_to_the_page(client, logged_in):
    logged_in("admin")
    assert 'href="/admin/audit"' in client.get("/admin/pengguna").get_data(as_text=True)
