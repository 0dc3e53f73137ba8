"""Release steps: the schema is migrated once, by a one-shot step, before any process serves.

``manage.py migrate`` runs as its own step of a release (the ``migrate`` service in
docker-compose, the first step of ``make run`` and ``make serve``), never on every web
start, where several web processes would race to migrate. A web process started against
a database with unapplied migrations refuses to start (:func:`refuse_pending_migrations`,
called by ``icms/wsgi.py``), naming them, rather than serving pages that would fail on
missing columns.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The migrations not yet applied to the database ``alias``, as ``app.name``."""
    connection = connections[alias]
    try:
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
    finally:
        connection.close()  # not inherited by the workers a server forks after this
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards]


def refuse_pending_migrations() -> None:
    """Stop the process when migrations are pending: run the release step first."""
    pending = pending_migrations()
    if pending:
        shown = ", ".join(pending[:5]) + (f" and {len(pending) - 5} more" if len(pending) > 5 else "")
        raise ImproperlyConfigured(
            f"The database has {len(pending)} unapplied migration(s): {shown}. "
            "Run the release step `python manage.py migrate` (docker compose: the migrate service) "
            "before starting the web process."
        )
