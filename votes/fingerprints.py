"""Where a vote came from, as moderators may see it: keyed hashes of the address and the browser.

HMAC-SHA256 keyed from SECRET_KEY with a salt that names the day (Django's salted_hmac), so a
hash cannot be turned back into an address without the key, and the same address hashes
differently tomorrow: bursts can be found within a day, visitors cannot be followed across days.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.clientip import client_ip


@dataclass(frozen=True)
class Fingerprint:
    address_hash: str
    agent_hash: str


def keyed_hash(purpose: str, value: str) -> str:
    day = timezone.now().date().isoformat()
    return salted_hmac(f"votes.{purpose}:{day}", value, algorithm="sha256").hexdigest()


def fingerprint(request: HttpRequest) -> Fingerprint:
    return Fingerprint(
        address_hash=keyed_hash("address", client_ip(request)),
        agent_hash=keyed_hash("agent", request.META.get("HTTP_USER_AGENT", "")[:500]),
    )
