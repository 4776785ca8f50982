"""Time and memory of the downloads at scale: for each export, the time to its first byte, its
total time, the bytes sent and the peak memory (RSS) of the process that served it.

    DATABASE_URL=postgres://.../qi_bench .venv/bin/python bench/exports.py

Each export runs in a fresh process (so each peak is its own), through its view, signed in as
`--user` (an admin sees every department's projects). Two sizes: the projects in one stage
(about a ninth, e.g. 11,000 of 100,000) and every project. The database is only read: the
connection is read-only, and the export log's insert is skipped (its query still runs).
Figures depend on the machine's load: the CPU time of the process and of its database backend
is printed beside the wall-clock time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = {
    "register_csv": "/projects/export.csv",
    "register_xlsx": "/projects/export.xlsx",
    "governance_csv": "/governance/export.csv",
    "governance_xlsx": "/governance/export.xlsx",
    "impact_csv": "/impact/export.csv",
}
SIZES = {"one stage": "department=&stage=testing", "all": "department=&include_closed=on"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--user", default="admin")
    parser.add_argument("exports", nargs="*", default=list(EXPORTS))
    args = parser.parse_args()
    print(
        f"{'export':16} {'rows':9} {'bytes':>11} {'first byte':>10} {'total':>7} "
        f"{'cpu':>6} {'db cpu':>6} {'RSS before':>10} {'peak RSS':>9}"
    )
    for name in args.exports:
        for size, query in SIZES.items() if name != "impact_csv" else [("period", "")]:
            done = subprocess.run(
                [sys.executable, __file__, "--one", name, query, args.user],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            if done.returncode:
                sys.exit(done.stderr)
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{name:16} {size:9} {r['bytes']:>11,} {r['ttfb_s']:>9.2f}s "
                f"{r['total_s']:>6.1f}s {r['cpu_s']:>5.1f}s {r['db_cpu_s']:>5.1f}s "
                f"{r['rss_before_mb']:>8.0f}MB {r['peak_rss_mb']:>7.0f}MB"
            )


def memory(field: str) -> float:
    """A line of /proc/self/status (VmRSS, VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def one(name: str, query: str, username: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiregister.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.http import QueryDict
    from django.test import RequestFactory
    from django.urls import resolve

    from people.models import ExportLog, Person

    connection.settings_dict["OPTIONS"]["options"] += " -c default_transaction_read_only=on"

    def record(cls, user, kind, description, subjects):
        list(subjects)  # the query the log runs, without its insert

    ExportLog.record = classmethod(record)
    path = EXPORTS[name]
    match = resolve(path)
    user = get_user_model().objects.get(username=username)
    person = Person.objects.filter(user=user).first()
    connection.close()  # the request opens its own connection, as a worker's first would

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    # The peak is the process's high-water mark (VmHWM), reset here (Linux) so that what the
    # set-up used does not hide what the download uses.
    Path("/proc/self/clear_refs").write_text("5")
    rss_before = memory("VmRSS")
    request = RequestFactory().get(path, QueryDict(query))
    request.user, request.person = user, person
    cpu_start, start = cpu(), time.perf_counter()
    response = match.func(request, *match.args, **match.kwargs)
    first_byte, size = None, 0
    pieces = response.streaming_content if response.streaming else [response.content]
    for piece in pieces:
        if piece and first_byte is None:
            first_byte = time.perf_counter() - start
        size += len(piece)
    response.close()
    total = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    # The backend's CPU time (utime + stime), when the database runs on this machine.
    try:
        stat = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        db_cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        db_cpu = float("nan")
    print(
        json.dumps(
            {
                "status": response.status_code,
                "bytes": size,
                "ttfb_s": first_byte,
                "total_s": total,
                "cpu_s": cpu() - cpu_start,
                "db_cpu_s": db_cpu,
                "rss_before_mb": rss_before,
                "peak_rss_mb": memory("VmHWM"),
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        one(*sys.argv[2:5])
    else:
        main()
