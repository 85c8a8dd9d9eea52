"""Flask-Login's loader runs once per request: the hook that forgets an earlier request's
user (the suite's app context outlives a request) runs before the blueprints' hooks that ask
for the user, and none of them drops it again."""

from app.auth.models import Role
from app.extensions import db, login
from tests import factories


def test_a_signed_in_page_loads_its_user_once(client, auth, monkeypatch):
    user = factories.user(Role.COORDINATOR)
    db.session.commit()
    auth.login(user)
    calls = []
    loader = login._user_callback

    def counted(session_id):
        calls.append(session_id)
        return loader(session_id)

    monkeypatch.setattr(login, "_user_callback", counted)
    for _ in range(2):  # the second request gets its own look-up, not the first one's user
        calls.clear()
        assert client.get("/beranda").status_code == 200
        assert len(calls) == 1
