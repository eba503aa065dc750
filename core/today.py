""" "Today" on the admin home: what needs a person, counted, each count a link to its list.

Each app registers its own work (in its admin.py, which the admin imports at start), so core
names none of them:

    @today.work("Drafts", permission="tools.view_tool", order=10)
    def drafts(request) -> Work: ...

The home page shows the items whose permission the signed-in user holds, in registering order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Work:
    count: int
    url: str
    detail: str = ""  # e.g. "oldest 3 days"


@dataclass(frozen=True)
class Item:
    label: str
    work: Work


_REGISTRY: dict[str, tuple[int, str, Callable[[HttpRequest], Work]]] = {}


def work(label: str, *, permission: str, order: int):
    """Register `function(request) -> Work` as the "Today" item `label`, shown by `order`."""

    def register(function: Callable[[HttpRequest], Work]):
        _REGISTRY[label] = (order, permission, function)
        return function

    return register


def items(request: HttpRequest) -> list[Item]:
    return [
        Item(label, function(request))
        for label, (_, permission, function) in sorted(_REGISTRY.items(), key=lambda i: i[1][0])
        if request.user.has_perm(permission)
    ]
