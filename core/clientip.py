"""The visitor's address, for rate limits (django-ratelimit) and the admin lockout (axes).

One rule, shared with gunicorn's `forwarded_allow_ips` (gunicorn.conf.py): `X-Forwarded-For` is
read only when the request comes straight from a trusted proxy (settings.TRUSTED_PROXIES,
addresses or networks). Its hops are then read from the right, skipping trusted proxies, and
the first that is not one is the visitor; what a visitor wrote further left is never reached.
From any other peer the header is ignored: the peer is the visitor.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4)
def networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in spec)


def is_trusted_proxy(address: str) -> bool:
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in network for network in networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            return remote  # a hop no proxy of ours wrote: nothing left of it can be believed
        if not is_trusted_proxy(address):
            return address
    return remote
