"""Readers were once known by a session holding their visitor number (`visitor_id`). Since
2 December 2026 the signed `visitor` cookie is the only identity (votes/identity.py), and the
code no longer reads those keys. This drops the sessions that held nothing else, once; their
votes and bookmarks stay (and keep counting in the tallies), and the browsers that held them
start as new visitors. Editors' sessions lose the two keys and keep everything else."""

from django.db import migrations

LEGACY_KEYS = ("visitor_id", "visitor_user_id")


def drop_visitor_sessions(apps, schema_editor):
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    for session in Session.objects.iterator(chunk_size=2000):
        data = store.decode(session.session_data)
        if not any(key in data for key in LEGACY_KEYS):
            continue
        for key in LEGACY_KEYS:
            data.pop(key, None)
        if data:
            session.session_data = store.encode(data)
            session.save(update_fields=["session_data"])
        else:
            session.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("votes", "0006_held_votes_and_alerts"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(drop_visitor_sessions, migrations.RunPython.noop)]
