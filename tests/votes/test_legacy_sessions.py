"""Migration votes 0007: sessions that only named a visitor are dropped once; editors' sessions
keep everything but the two old keys; other sessions are untouched."""

import importlib

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

pytestmark = pytest.mark.django_db

migration = importlib.import_module("votes.migrations.0007_drop_visitor_sessions")


def make_session(data: dict) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    return store.session_key


@pytest.mark.parametrize(
    ("data", "left"),
    [
        ({"visitor_id": 4}, None),
        ({"visitor_id": 4, "visitor_user_id": 2}, None),
        ({"visitor_id": 4, "visitor_user_id": 2, "_auth_user_id": "2"}, {"_auth_user_id": "2"}),
        ({"_auth_user_id": "3", "other": [1]}, {"_auth_user_id": "3", "other": [1]}),
        ({"recovery_codes": ["a"]}, {"recovery_codes": ["a"]}),
    ],
)
def test_only_the_visitor_keys_go(data, left):
    key = make_session(data)
    migration.drop_visitor_sessions(apps, None)
    kept = Session.objects.filter(session_key=key).first()
    if left is None:
        assert kept is None
    else:
        assert kept.get_decoded() == left
