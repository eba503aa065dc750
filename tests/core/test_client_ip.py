import pytest
from django.test import RequestFactory, override_settings

from core.clientip import client_ip


def request_from(remote: str, forwarded: str = ""):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_proxies_it_is_the_socket_address():
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    "forwarded,expected",
    [
        ("198.51.100.1", "198.51.100.1"),
        ("6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a forged first hop is ignored
        ("", "10.0.0.2"),
        ("not-an-ip", "10.0.0.2"),
        ("2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_one_proxy_it_is_the_address_the_proxy_saw(forwarded, expected):
    assert client_ip(request_from("10.0.0.2", forwarded)) == expected


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_it_counts_from_the_right():
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.9")) == (
        "198.51.100.1"
    )
