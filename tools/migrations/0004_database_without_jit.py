"""Turn Postgres's JIT compiler off for this database.

Our queries are short. With stale statistics (after a burst of votes, before autovacuum) the
planner overestimated a directory query and Postgres spent 220 ms compiling one that runs in
10 ms. Set on the database rather than per connection: a connection pooler such as PgBouncer
refuses or drops per-connection settings. Changing a database's settings needs its owner; any
other role leaves JIT as the server has it, and the migration says so.
"""

from django.db import migrations

SET = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = {value}', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'only the database owner can turn JIT off: leaving the server default';
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("tools", "0003_comparison_view")]

    operations = [
        migrations.RunSQL(
            # The database setting applies to new connections; this one (the test runner keeps
            # using it) is switched now.
            [SET.format(value="off"), "SET jit = off"],
            reverse_sql=[SET.format(value="DEFAULT"), "RESET jit"],
        ),
    ]
