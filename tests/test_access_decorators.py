"""Every role decorator of app.core.access, for every role and for a visitor; owns/can_see."""

from types import SimpleNamespace

import pytest
from flask_login import login_user, logout_user
from werkzeug.exceptions import Forbidden

from app.auth.models import Role, UnitType
from app.core.access import (
    admin_required,
    can_see,
    coordinator_required,
    owns,
    pemda_required,
    roles_required,
    staff_required,
)
from app.extensions import db
from tests import factories

ALL_ROLES = list(Role)
ALLOWED = {
    "pemda_required": {Role.PEMDA},
    "staff_required": {Role.COORDINATOR, Role.NARASUMBER, Role.RECEPTIONIST, Role.ADMIN},
    "coordinator_required": {Role.COORDINATOR, Role.ADMIN},
    "admin_required": {Role.ADMIN},
    "roles_required('narasumber', 'receptionist')": {Role.NARASUMBER, Role.RECEPTIONIST},
}
DECORATORS = {
    "pemda_required": pemda_required,
    "staff_required": staff_required,
    "coordinator_required": coordinator_required,
    "admin_required": admin_required,
    "roles_required('narasumber', 'receptionist')": roles_required("narasumber", Role.RECEPTIONIST),
}


def _make(role: Role):
    if role == Role.PEMDA:
        return factories.pemda_user()
    return factories.user(role)


def _view():
    return "dibuka"


@pytest.mark.parametrize("name", DECORATORS)
@pytest.mark.parametrize("role", ALL_ROLES, ids=lambda r: r.value)
def test_decorator_lets_in_exactly_its_roles(app, name, role):
    user = _make(role)
    db.session.commit()
    view = DECORATORS[name](_view)
    with app.test_request_context("/x"):
        login_user(user)
        if role in ALLOWED[name]:
            assert view() == "dibuka"
        else:
            with pytest.raises(Forbidden):
                view()
        logout_user()


@pytest.mark.parametrize("name", DECORATORS)
def test_decorator_sends_a_visitor_to_the_login_page(app, name):
    view = DECORATORS[name](_view)
    with app.test_request_context("/permohonan/1"):
        response = view()
    assert response.status_code == 302
    assert response.headers["Location"] == "/masuk?next=%2Fpermohonan%2F1"


def test_decorator_keeps_the_view_name(app):
    assert admin_required(_view).__name__ == "_view"


def test_real_route_needs_login(client, auth):
    assert client.get("/akun").headers["Location"].startswith("/masuk")
    user = factories.user(Role.NARASUMBER)
    db.session.commit()
    auth.login(user)
    assert client.get("/akun").status_code == 200


def test_deactivated_user_loses_access_at_once(client, auth):
    from app.core.clock import now_utc

    user = factories.user(Role.RECEPTIONIST)
    db.session.commit()
    auth.login(user)
    user.deactivated_at = now_utc()
    db.session.commit()
    assert client.get("/akun").status_code == 302


def _record(region_id, unit_type):
    return SimpleNamespace(region_id=region_id, unit_type=unit_type)


def test_owns_means_same_region_and_same_unit(app):
    brebes = factories.pemda_user(factories.BREBES)
    dprd = factories.pemda_user(factories.BREBES, UnitType.DPRD)
    coordinator = factories.user(Role.COORDINATOR)
    record = _record(brebes.region_id, UnitType.PEMDA)
    assert owns(brebes, record)
    assert not owns(dprd, record)  # the regional parliament is another Pemda
    assert not owns(brebes, _record(factories.region(factories.JAYAPURA).id, UnitType.PEMDA))
    assert not owns(coordinator, record)


@pytest.mark.parametrize("role", ALL_ROLES, ids=lambda r: r.value)
def test_can_see(app, role):
    """A Pemda its own; coordinators and administrators everything; a narasumber or the front
    desk not a request they have nothing to do with (tests/test_request_visibility.py has the
    rest of their rule)."""
    user = _make(role)
    other_pemda = factories.consultation(factories.pemda_user(factories.BALIKPAPAN))
    if role == Role.PEMDA:
        assert can_see(user, _record(user.region_id, user.unit_type))
        assert not can_see(user, other_pemda)
    elif role in (Role.COORDINATOR, Role.ADMIN):
        assert can_see(user, other_pemda)
    else:
        assert not can_see(user, other_pemda)
