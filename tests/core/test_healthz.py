import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_it_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    # A real failed connection: point the connection at a port where nothing listens.
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connection.settings_dict, "PORT", "9")
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {"connect_timeout": 2})
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_it_rejects_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_it_answers_whatever_host_a_load_balancer_uses(client, settings):
    settings.ALLOWED_HOSTS = ["compare.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.django_db
def test_it_carries_the_security_headers_of_every_other_answer(client, settings):
    settings.ALLOWED_HOSTS = ["compare.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200  # no redirect to https, no host check
    page = client.get("/", HTTP_HOST="compare.example.com", secure=True)
    for name in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert response[name] == page[name], name
