"""Only PUBLIC_URL's host (and EXTRA_HOSTS) is served wherever PUBLIC_URL is set, and the proxy
headers are believed only as far as PROXY_COUNT says: a client cannot choose its own address
(the per-IP login limit counts it) nor the host name."""

import pytest
from flask import request

from app import create_app
from tests.hardening.environment import PUBLIC, environment, keep_app_logger  # noqa: F401 (fixture)


def _status(client, path: str, host: str) -> int:
    with client.get(path, headers={"Host": host}) as response:  # a static file must be closed
        return response.status_code


@pytest.fixture
def checked(app, monkeypatch):
    """The session app as production runs it: the Host check on."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)
    monkeypatch.setitem(app.config, "EXTRA_HOSTS", ["intranet.djpk.go.id", ".kanwil.djpk.go.id"])
    monkeypatch.setitem(app.config, "CHECK_HOST", True)
    return app


@pytest.mark.parametrize(
    "host",
    [
        "konsultasi.djpk.kemenkeu.go.id",
        "konsultasi.djpk.kemenkeu.go.id:443",
        "KONSULTASI.djpk.kemenkeu.go.id",
        "intranet.djpk.go.id",
        "jakarta.kanwil.djpk.go.id",  # ".kanwil.djpk.go.id" names its subdomains
    ],
)
def test_the_configured_hosts_are_served(checked, host):
    response = checked.test_client().get("/masuk", headers={"Host": host})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example",
        "konsultasi.djpk.kemenkeu.go.id.attacker.example",
        "localhost",
        "127.0.0.1:5000",
        "",
    ],
)
def test_any_other_host_gets_400_with_the_error_page(checked, host):
    response = checked.test_client().get("/masuk", headers={"Host": host})
    assert response.status_code == 400
    assert "Permintaan tidak valid." in response.get_data(as_text=True)


def test_static_files_are_refused_to_a_forged_host_too(checked):
    client = checked.test_client()
    assert _status(client, "/static/css/app.css", "attacker.example") == 400


def test_a_forged_forwarded_host_is_ignored_not_refused(checked):
    response = checked.test_client().get(
        "/masuk", headers={"Host": "konsultasi.djpk.kemenkeu.go.id", "X-Forwarded-Host": "attacker.example"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(("port", "host"), [("5001", "127.0.0.1:5001"), ("8080", "localhost:8080")])
def test_development_without_public_url_serves_the_local_names(tmp_path, port, host):
    with environment(FLASK_RUN_PORT=port):
        dev = create_app("development", UPLOAD_DIR=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://")
    assert not dev.config["CHECK_HOST"]
    assert _status(dev.test_client(), "/static/css/app.css", host) == 200


def test_development_with_public_url_checks_the_host(tmp_path):
    with environment(PUBLIC_URL="https://konsultasi-uji.djpk.go.id", EXTRA_HOSTS="localhost"):
        dev = create_app("development", UPLOAD_DIR=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://")
    client = dev.test_client()
    assert _status(client, "/static/css/app.css", "konsultasi-uji.djpk.go.id") == 200
    assert _status(client, "/static/css/app.css", "localhost:5000") == 200
    assert _status(client, "/static/css/app.css", "attacker.example") == 400


def _probe_app(tmp_path, proxies: str | None):
    with environment(PROXY_COUNT=proxies):
        # Development reads PROXY_COUNT from the environment as production does.
        probe = create_app("development", UPLOAD_DIR=str(tmp_path), SQLALCHEMY_DATABASE_URI="sqlite://")
    assert probe.config["PROXY_COUNT"] == int(proxies or 0)

    @probe.route("/_probe")
    def _probe():
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host}

    return probe.test_client()


FORGED = {
    "X-Forwarded-For": "6.6.6.6, 203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "attacker.example",
    "X-Forwarded-Port": "8443",
}


def test_without_proxies_every_forwarded_header_is_ignored(tmp_path):
    client = _probe_app(tmp_path, None)
    seen = client.get("/_probe", headers=FORGED, environ_base={"REMOTE_ADDR": "198.51.100.9"}).json
    assert seen == {"addr": "198.51.100.9", "scheme": "http", "host": "localhost"}


def test_behind_one_proxy_only_the_last_hop_counts_and_never_the_host(tmp_path):
    client = _probe_app(tmp_path, "1")
    # nginx (10.0.0.2) appended the address it saw (203.0.113.7); "6.6.6.6" is the client's lie.
    seen = client.get("/_probe", headers=FORGED, environ_base={"REMOTE_ADDR": "10.0.0.2"}).json
    assert seen == {"addr": "203.0.113.7", "scheme": "https", "host": "localhost"}
