"""gunicorn settings for QI Register (docs/deployment.md).

Used by deploy/systemd/qiregister-web.service:
    gunicorn --config /srv/qiregister/deploy/gunicorn.conf.py qiregister.wsgi

Every value can be changed from the environment file (/etc/qiregister/env) without editing
this file. The defaults are the ones `make load` measured: gthread workers, one per core, with
4 threads each for the time a request spends waiting on PostgreSQL.
"""

import os
import re
import resource

from gunicorn.glogging import Logger

# Loopback only: nginx on the same server is the only client, so nobody can reach gunicorn
# with forged X-Forwarded-* headers. With app servers behind a separate load balancer, bind to
# the private address and let the firewall admit the load balancer only.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", os.cpu_count() or 2))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# Seconds a request may take before its worker is restarted. The slowest pages measured
# (large appraisal summaries) take about 9 s; keep nginx's proxy_read_timeout above this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Seconds a worker gets to finish its requests on SIGTERM or a reload (systemctl reload).
graceful_timeout = 30

# Logs go to stdout/stderr, which systemd hands to the journal (journalctl -u qiregister-web).
# The client address is the one nginx saw (X-Forwarded-For), not 127.0.0.1.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Two kinds of link carry their credential in the URL, because the client cannot sign in: a QI
# board display link (/board/display/<token>/, and its posters) and a showcase calendar feed
# (/showcase/calendar.ics?key=...). Whoever reads a log line holding one could open the board
# or the feed, so every value a log line can show (request line, path, query, Referer and any
# other header or environ variable) has the secret replaced by "[redacted]". nginx does the
# same (deploy/nginx/qiregister.conf, the map to $qiregister_uri).
SECRET_IN_URL = re.compile(r"(/board/display/)[^/?#\s\"]+|([?&]key=)[^&#\s\"]*", re.IGNORECASE)


def redact(text: str) -> str:
    return SECRET_IN_URL.sub(lambda match: (match[1] or match[2]) + "[redacted]", text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact(v) if isinstance(v, str) else v for name, v in atoms.items()}


logger_class = RedactingLogger

# Recycle a worker now and then, so a slow leak in a library never grows without bound.
max_requests = 2000
max_requests_jitter = 200

# Memory. A worker whose resident memory has ever passed GUNICORN_MAX_WORKER_MB finishes the
# requests in hand and is replaced, as after max_requests: a page that built something huge does
# not leave its worker holding the memory (Python seldom gives freed memory back). `make bench`
# measured about 200-260 MB a worker after every page at 100,000 projects. This is checked
# between requests; the hard bound on one runaway request is the web unit's MemoryMax
# (deploy/systemd/qiregister-web.service), under which the kernel ends the biggest process: a
# worker, which the master replaces, as each worker marks itself the first to go (post_fork).
# No RLIMIT_AS: address space is not memory (each thread's malloc arena reserves 64 MB).
max_worker_mb = int(os.environ.get("GUNICORN_MAX_WORKER_MB", "512"))


def peak_memory_mb() -> float:
    """This process's peak resident memory (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def post_fork(server, worker):
    # If the unit's memory runs out, the kernel ends a worker rather than the master.
    try:
        with open("/proc/self/oom_score_adj", "w") as score:
            score.write("500")
    except OSError:
        pass


def post_request(worker, req, environ, resp):
    if worker.alive and peak_memory_mb() > max_worker_mb:
        worker.log.warning(
            "Worker %s used %.0f MB (over %s MB): restarting it after the current requests.",
            worker.pid,
            peak_memory_mb(),
            max_worker_mb,
        )
        worker.alive = False
