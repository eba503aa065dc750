"""One trusted-proxy rule (core/clientip.py): X-Forwarded-For counts only from a trusted proxy,
read from the right past the trusted hops; from anyone else it is ignored."""

import pytest
from django.test import RequestFactory, override_settings

from core.clientip import client_ip


def request_from(remote: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


FORGED = ["198.51.100.1", "6.6.6.6, 198.51.100.1", "not-an-ip", "", "10.0.0.9, 127.0.0.1"]


@pytest.mark.parametrize("proxies", [(), ("10.0.0.2",), ("172.30.80.0/24", "::1")])
@pytest.mark.parametrize("peer", ["203.0.113.9", "2001:db8::7", "10.0.0.3", "127.0.0.1"])
@pytest.mark.parametrize("forwarded", FORGED)
def test_from_a_peer_that_is_not_a_trusted_proxy_the_header_is_ignored(proxies, peer, forwarded):
    with override_settings(TRUSTED_PROXIES=list(proxies)):
        assert client_ip(request_from(peer, forwarded)) == peer


@override_settings(TRUSTED_PROXIES=["10.0.0.2"])
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.1", "198.51.100.1"),
        ("6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the visitor wrote is left of it
        ("6.6.6.6,198.51.100.1", "198.51.100.1"),
        ("", "10.0.0.2"),
        ("not-an-ip", "10.0.0.2"),
        ("6.6.6.6, not-an-ip", "10.0.0.2"),
        ("2001:db8::1", "2001:db8::1"),
        ("10.0.0.2", "10.0.0.2"),  # only proxies: the proxy itself
    ],
)
def test_from_a_trusted_proxy_it_is_the_address_the_proxy_saw(forwarded, expected):
    assert client_ip(request_from("10.0.0.2", forwarded)) == expected


@override_settings(TRUSTED_PROXIES=["10.0.0.0/24", "127.0.0.1"])
def test_behind_a_chain_of_trusted_proxies_it_skips_them_from_the_right():
    chain = "6.6.6.6, 198.51.100.1, 10.0.0.9, 127.0.0.1"
    assert client_ip(request_from("10.0.0.2", chain)) == "198.51.100.1"


def test_gunicorn_trusts_the_same_proxies(monkeypatch):
    import runpy

    monkeypatch.setenv("TRUSTED_PROXIES", "172.30.80.2, 10.0.0.0/8")
    monkeypatch.delenv("HOST", raising=False)
    config = runpy.run_path("gunicorn.conf.py")
    assert config["forwarded_allow_ips"] == "172.30.80.2,10.0.0.0/8"
    assert config["bind"].startswith("127.0.0.1:")  # loopback unless HOST says otherwise
    monkeypatch.setenv("TRUSTED_PROXIES", "")
    assert runpy.run_path("gunicorn.conf.py")["forwarded_allow_ips"] == ""


@pytest.mark.parametrize(
    ("proxies", "env", "ids"),
    [
        (["172.30.80.2", "10.0.0.0/24"], {}, []),
        (["0.0.0.0/0"], {}, ["core.W003"]),
        (["10.0.0.0/8", "127.0.0.1"], {}, ["core.W003"]),
        (["::/0"], {}, ["core.W003"]),
        ([], {"TRUSTED_PROXY_COUNT": "1"}, ["core.W004"]),
    ],
)
def test_a_deploy_check_warns_when_addresses_could_be_forged(monkeypatch, proxies, env, ids):
    from core.checks import client_addresses_cannot_be_forged

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with override_settings(TRUSTED_PROXIES=proxies):
        found = client_addresses_cannot_be_forged(None)
    assert [message.id for message in found] == ids
