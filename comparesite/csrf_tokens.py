"""CSRF secrets and masks drawn with one read of the OS's random source instead of 32.

Django draws each character of a secret with its own `secrets.choice`, which is one
`os.urandom` call each. A first-time visitor's page needs a new secret and a mask, so 64 calls:
18% of the CPU of a cached compare page, the page search engines send people to. This draws the
same thing (uniform over the same 62 characters, from the same source) by rejection sampling one
read. Django's middleware still does everything else: the cookie, the masking, the checks.
"""

from __future__ import annotations

import os

from django.middleware import csrf

_CHARS = csrf.CSRF_ALLOWED_CHARS
# 248 = 4 x 62: bytes below it map onto the characters evenly; the rest are dropped.
_TABLE = bytes(ord(_CHARS[byte % len(_CHARS)]) for byte in range(256))
_DROP = bytes(range(256 - 256 % len(_CHARS), 256))


def new_csrf_string() -> str:
    drawn = b""
    while len(drawn) < csrf.CSRF_SECRET_LENGTH:
        # 48 bytes leave 32 or more after dropping all but once in about 10^17 draws.
        drawn += os.urandom(48).translate(_TABLE, _DROP)
    return drawn[: csrf.CSRF_SECRET_LENGTH].decode()


def install() -> None:
    """Used by Django's get_token for new secrets and for each response's mask."""
    csrf._get_new_csrf_string = new_csrf_string
