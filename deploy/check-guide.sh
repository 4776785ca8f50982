#!/usr/bin/env bash
# Follow docs/deployment.md on this one machine, as far as one machine allows, and check that
# each step works: a copy of the release in a temporary prefix, a venv from requirements.lock,
# the environment file made from .env.example, a throwaway database, migrate, collectstatic,
# check --deploy, the systemd units (verified, and their ExecStart lines run with their
# EnvironmentFile), nginx with deploy/nginx/qiregister.conf and a self-signed certificate on
# high ports, checks over HTTPS with curl, the worker sending a queued email, every cron job
# run once, a backup and a restore drill. Everything is removed at the end (KEEP=1 keeps the
# prefix for a look). Prints PASS or FAIL per step; exits non-zero at the first failure.
#
# Needs: python3 (venv), nginx, openssl, curl, psql, pg_dump, systemd-analyze, and a
# PostgreSQL server that lets this user create databases: DATABASE_URL's server when it is
# set, otherwise postgres://postgres@127.0.0.1:5432. Run as root or as a normal user.
# What it cannot do here: create the qiregister user, install into /srv, /etc and systemd, or
# ask a CA for a certificate; the units run as the invoking user, not under systemd's sandbox.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deploy/manage.sh
source "$ROOT/deploy/manage.sh" # qiregister_load_env: reads env files as systemd does

PREFIX=$(mktemp -d "${TMPDIR:-/tmp}/qiregister-guide.XXXXXX")
chmod 755 "$PREFIX" # nginx's workers (nobody, when run as root) must reach their temp folders
APP=$PREFIX/srv/qiregister            # /srv/qiregister
ETC=$PREFIX/etc/qiregister            # /etc/qiregister
ENV_FILE=$ETC/env                     # /etc/qiregister/env
VAR_LIB=$PREFIX/var/lib/qiregister    # /var/lib/qiregister (home, MEDIA_ROOT)
BACKUPS=$PREFIX/var/backups/qiregister
NGINX=$PREFIX/nginx
LOGS=$PREFIX/logs
HOST=qi.test
mkdir -p "$APP" "$ETC" "$VAR_LIB/media" "$BACKUPS" "$NGINX/tmp" "$LOGS" "$PREFIX/systemd"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
APP_PORT=$(free_port)
HTTPS_PORT=${CHECK_HTTPS_PORT:-$(free_port)}
HTTP_PORT=${CHECK_HTTP_PORT:-$(free_port)}
BASE=https://$HOST:$HTTPS_PORT
CURL=(curl --silent --show-error --max-time 30 --cacert "$ETC/tls/fullchain.pem"
  --resolve "$HOST:$HTTPS_PORT:127.0.0.1" --resolve "$HOST:$HTTP_PORT:127.0.0.1")

# A throwaway database (and one for the restore drill) on DATABASE_URL's server.
read -r ADMIN_URL DB_URL RESTORE_URL < <(python3 - "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}" "$$" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit
parts = urlsplit(sys.argv[1])
def db(name):
    return urlunsplit(parts._replace(path="/" + name, query=""))
print(db("postgres"), db(f"qi_guide_{sys.argv[2]}"), db(f"qi_guide_{sys.argv[2]}_restore"))
PY
)
DB_NAME=${DB_URL##*/}
RESTORE_NAME=${RESTORE_URL##*/}

pids=()
current_step=""
step_number=0
passed=0

cleanup() {
  local rc=$?
  exec 1>&3 2>&4 # a step's output goes to its log; the report goes to the terminal
  if [[ -n $current_step ]]; then
    echo "FAIL  $current_step"
    echo "----- last lines of $LOGS/$step_number.log:"
    tail -n 40 "$LOGS/$step_number.log" 2>/dev/null || true
    rc=1
  fi
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  for name in "$DB_NAME" "$RESTORE_NAME"; do
    psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  if [[ ${KEEP:-} == 1 ]]; then
    echo "Kept $PREFIX"
  else
    rm -rf "$PREFIX"
  fi
  if ((rc == 0)); then
    echo "ALL $passed STEPS PASSED"
  fi
  exit "$rc"
}
exec 3>&1 4>&2
trap cleanup EXIT
trap 'exit 130' INT TERM

# step NAME FUNCTION: runs FUNCTION with its output in $LOGS/<n>.log; any failing command in
# it fails the step (set -e), and the EXIT trap prints FAIL with the end of the log.
step() {
  current_step=$1
  step_number=$((step_number + 1))
  "$2" >"$LOGS/$step_number.log" 2>&1
  echo "PASS  $current_step"
  passed=$((passed + 1))
  current_step=""
}
fail() {
  echo "$*"
  exit 1
}
manage() { QIREGISTER_ENV_FILE=$ENV_FILE "$APP/deploy/manage.sh" "$@"; }
# KEY=value into the environment file: replaces the line (or the commented-out line) for KEY.
set_env() {
  python3 - "$ENV_FILE" "$1" "$2" <<'PY'
import re, sys
path, key, value = sys.argv[1:]
lines = open(path).read().splitlines()
pattern = re.compile(rf"^#?\s*{re.escape(key)}=")
for i, line in enumerate(lines):
    if pattern.match(line):
        lines[i] = f"{key}={value}"
        break
else:
    lines.append(f"{key}={value}")
open(path, "w").write("\n".join(lines) + "\n")
PY
}
# The paths of the guide, moved under the prefix.
relocate() {
  sed -e "s|/srv/qiregister|$APP|g" -e "s|/etc/qiregister/env|$ENV_FILE|g" \
    -e "s|/var/lib/qiregister|$VAR_LIB|g" -e "s|/var/backups/qiregister|$BACKUPS|g" "$@"
}
# Start a unit's ExecStart= the way systemd would: a clean environment plus EnvironmentFile=,
# in WorkingDirectory=. Prints the process id.
start_unit() {
  local unit=$1 log=$2 workdir envfile cmd
  workdir=$(sed -n 's/^WorkingDirectory=//p' "$unit")
  envfile=$(sed -n 's/^EnvironmentFile=//p' "$unit")
  cmd=$(sed -n 's/^ExecStart=//p' "$unit")
  [[ -n $workdir && -n $envfile && -n $cmd ]] || fail "$unit lacks WorkingDirectory, EnvironmentFile or ExecStart"
  # shellcheck disable=SC2016 # expanded by the inner bash
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$VAR_LIB" LANG=C.UTF-8 \
    bash -c 'source "$1"; qiregister_load_env "$2"; cd "$3"; read -ra argv <<<"$4"; exec "${argv[@]}"' \
    _ "$APP/deploy/manage.sh" "$envfile" "$workdir" "$cmd" >"$log" 2>&1 &
  echo $!
}
wait_for() { # wait_for SECONDS COMMAND...: until COMMAND succeeds
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}
status_of() { "${CURL[@]}" -o /dev/null -w '%{http_code}' "$@"; }

tools() {
  for tool in python3 nginx openssl curl psql pg_dump systemd-analyze; do
    command -v "$tool" || fail "$tool is not installed (nginx: apt-get install nginx-light)"
  done
  psql "$ADMIN_URL" -Atc 'SELECT version()'
}

copy_release() {
  # The release as it would be checked out: tracked and new files, not .venv, .data or staticfiles.
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
    tar --null --files-from=- --ignore-failed-read -cf -) | tar -xf - -C "$APP"
  test -f "$APP/manage.py" && test -f "$APP/requirements.lock" && test -x "$APP/deploy/manage.sh"
}

venv() {
  python3 -m venv "$APP/.venv"
  "$APP/.venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes \
    -r "$APP/requirements.lock"
  "$APP/.venv/bin/gunicorn" --version
  # Production runs without the development tools: everything below works without them.
  local dev_tool
  for dev_tool in pytest playwright locust ruff moto bandit flask factory; do
    if "$APP/.venv/bin/python" -c "import $dev_tool" 2>/dev/null; then
      fail "the production venv holds $dev_tool"
    fi
  done
}

environment_file() {
  install -m 0640 "$APP/.env.example" "$ENV_FILE"
  set_env DJANGO_SECRET_KEY "$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')"
  set_env DJANGO_ALLOWED_HOSTS "$HOST"
  set_env DJANGO_CSRF_TRUSTED_ORIGINS "$BASE"
  set_env QIREGISTER_BASE_URL "$BASE"
  set_env DATABASE_URL "$DB_URL"
  set_env QIREGISTER_DATA_DIR "$VAR_LIB"
  set_env MEDIA_ROOT "$VAR_LIB/media"
  set_env BACKUP_DIR "$BACKUPS"
  # Mail to the worker's log instead of an SMTP server.
  set_env EMAIL_BACKEND django.core.mail.backends.console.EmailBackend
  set_env GUNICORN_BIND "127.0.0.1:$APP_PORT"
  set_env GUNICORN_WORKERS 2
  grep -q '^DJANGO_DEBUG=false$' "$ENV_FILE" || fail ".env.example no longer sets DJANGO_DEBUG=false"
  grep -q '^DJANGO_BEHIND_PROXY=true$' "$ENV_FILE" || fail ".env.example no longer sets DJANGO_BEHIND_PROXY=true"
  grep -q '^QIREGISTER_TASKS_BACKEND=database$' "$ENV_FILE" || fail "not the database tasks backend"
}

database() {
  psql -v ON_ERROR_STOP=1 "$ADMIN_URL" -c "CREATE DATABASE \"$DB_NAME\""
}

migrate() { manage migrate --no-input; }
collectstatic() {
  manage collectstatic --no-input
  test -f "$APP/staticfiles/staticfiles.json"
}
check_deploy() { manage check --deploy --fail-level WARNING; }

superuser() {
  DJANGO_SUPERUSER_USERNAME=guide-admin DJANGO_SUPERUSER_EMAIL=guide-admin@example.nhs.uk \
    DJANGO_SUPERUSER_PASSWORD=$ADMIN_PASSWORD manage createsuperuser --no-input
}

units() {
  for unit in qiregister-web qiregister-worker; do
    relocate "$APP/deploy/systemd/$unit.service" >"$PREFIX/systemd/$unit.service"
  done
  # verify exits 0 on unknown keys and bad values, so any output at all is a failure.
  local out
  out=$(systemd-analyze verify "$PREFIX"/systemd/*.service 2>&1) || fail "$out"
  [[ -z $out ]] || fail "$out"
  for unit in "$PREFIX"/systemd/*.service; do
    grep -qx "EnvironmentFile=$ENV_FILE" "$unit" || fail "$unit: no EnvironmentFile"
    grep -qx "User=qiregister" "$unit" || fail "$unit: not User=qiregister"
    grep -qx "NoNewPrivileges=yes" "$unit" || fail "$unit: no NoNewPrivileges"
    grep -qx "ProtectSystem=strict" "$unit" || fail "$unit: no ProtectSystem=strict"
    grep -qx "ReadWritePaths=$VAR_LIB" "$unit" || fail "$unit: MEDIA_ROOT not writable"
    grep -qx "Restart=on-failure" "$unit" || fail "$unit: no Restart=on-failure"
  done
}

web_unit() {
  WEB_PID=$(start_unit "$PREFIX/systemd/qiregister-web.service" "$LOGS/gunicorn.log")
  pids+=("$WEB_PID")
  wait_for 60 curl -sf -H "Host: $HOST" "http://127.0.0.1:$APP_PORT/healthz" ||
    fail "gunicorn did not answer on 127.0.0.1:$APP_PORT: $(tail -n 20 "$LOGS/gunicorn.log")"
  grep -q "Using worker: gthread" "$LOGS/gunicorn.log" || fail "not gthread workers"
}

certificate() {
  mkdir -p "$ETC/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HOST" \
    -addext "subjectAltName=DNS:$HOST" \
    -keyout "$ETC/tls/privkey.pem" -out "$ETC/tls/fullchain.pem"
  chmod 600 "$ETC/tls/privkey.pem"
}

nginx_config() {
  mkdir -p "$NGINX/sites-enabled"
  local site=$NGINX/sites-enabled/qiregister
  sed -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS_PORT ssl http2;|" \
    -e '/listen \[::\]/d' \
    -e "s|https://\$host\$request_uri|https://\$host:$HTTPS_PORT\$request_uri|" \
    -e "s|qi.example.nhs.uk|$HOST|g" \
    -e "s|server 127.0.0.1:8000;|server 127.0.0.1:$APP_PORT;|" \
    -e "s|/etc/ssl/qiregister/|$ETC/tls/|g" \
    -e "s|/var/log/nginx/|$NGINX/|g" \
    "$APP/deploy/nginx/qiregister.conf" >"$site"
  # Every substitution must have happened, or this would test something else than the guide.
  local directives
  directives=$(grep -v '^[[:space:]]*#' "$site")
  # shellcheck disable=SC2016 # nginx's variables, literally
  for gone in 'listen 80' 'listen 443' 'qi.example.nhs.uk' ':8000;' '/etc/ssl/qiregister' 'https://$host$request_uri' '/var/log/nginx'; do
    ! grep -qF "$gone" <<<"$directives" || fail "deploy/nginx/qiregister.conf changed: '$gone' not substituted"
  done
  local user_line=""
  [[ $(id -u) != 0 ]] || user_line="user nobody nogroup;"
  for dir in body proxy fastcgi uwsgi scgi; do mkdir -p "$NGINX/tmp/$dir"; done
  [[ $(id -u) != 0 ]] || chown -R nobody:nogroup "$NGINX/tmp"
  cat >"$NGINX/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $NGINX/nginx.pid;
error_log $NGINX/error.log;
events { worker_connections 128; }
http {
    include /etc/nginx/mime.types;
    access_log $NGINX/access.log;
    client_body_temp_path $NGINX/tmp/body;
    proxy_temp_path $NGINX/tmp/proxy;
    fastcgi_temp_path $NGINX/tmp/fastcgi;
    uwsgi_temp_path $NGINX/tmp/uwsgi;
    scgi_temp_path $NGINX/tmp/scgi;
    include $site;
}
EOF
  nginx -t -e "$NGINX/error.log" -p "$NGINX" -c "$NGINX/nginx.conf"
}

nginx_start() {
  nginx -e "$NGINX/error.log" -p "$NGINX" -c "$NGINX/nginx.conf" -g 'daemon off;' \
    >"$LOGS/nginx.log" 2>&1 &
  pids+=($!)
  wait_for 20 "${CURL[@]}" -o /dev/null "$BASE/healthz" || fail "nginx: $(cat "$NGINX/error.log")"
}

https_healthz() {
  local body
  body=$("${CURL[@]}" -f "$BASE/healthz")
  echo "$body"
  [[ $body == *'"database": "ok"'* ]] || fail "unexpected /healthz: $body"
}

tls_versions() {
  "${CURL[@]}" -f -o /dev/null --tlsv1.2 --tls-max 1.2 "$BASE/healthz"
  "${CURL[@]}" -f -o /dev/null --tlsv1.3 "$BASE/healthz"
  # A certificate the client does not trust is refused (curl really checks it here).
  ! curl -s -o /dev/null --resolve "$HOST:$HTTPS_PORT:127.0.0.1" "$BASE/healthz" ||
    fail "the self-signed certificate was accepted without --cacert"
}

http_redirect() {
  local headers
  headers=$("${CURL[@]}" -D - -o /dev/null "http://$HOST:$HTTP_PORT/projects/?q=x")
  echo "$headers"
  grep -q '^HTTP/1.1 301' <<<"$headers" || fail "HTTP is not redirected"
  grep -qi "^location: $BASE/projects/?q=x" <<<"$headers" || fail "wrong redirect target"
}

login_page() {
  local headers
  headers=$("${CURL[@]}" -D - -o "$PREFIX/login.html" -c "$PREFIX/cookies" "$BASE/login/")
  echo "$headers"
  grep -q '^HTTP/2 200' <<<"$headers" || fail "the sign-in page did not answer 200 over HTTP/2"
  grep -qi '^strict-transport-security: max-age=31536000' <<<"$headers" || fail "no HSTS"
  grep -qi '^content-security-policy: ' <<<"$headers" || fail "no CSP"
  grep -qi '^set-cookie: csrftoken=.*; secure' <<<"$headers" || fail "CSRF cookie not Secure"
  grep -q 'name="csrfmiddlewaretoken"' "$PREFIX/login.html" || fail "no sign-in form"
}

static_file() {
  local path headers
  path=$(grep -o '/static/[^"]*\.css' "$PREFIX/login.html" | head -n 1)
  [[ -n $path ]] || fail "the sign-in page links no stylesheet"
  headers=$("${CURL[@]}" -D - -o /dev/null "$BASE$path")
  echo "$path"$'\n'"$headers"
  grep -q '^HTTP/2 200' <<<"$headers" || fail "$path not served"
  grep -qi '^content-type: text/css' <<<"$headers" || fail "$path: not text/css"
  # A hashed name from collectstatic's manifest, cached for ever (whitenoise).
  grep -qi '^cache-control: .*immutable' <<<"$headers" || fail "$path: no far-future caching"
}

upload_cap() {
  # One byte over nginx's client_max_body_size is refused by nginx before gunicorn sees it.
  local code
  head -c $((11 * 1024 * 1024 + 1)) /dev/zero >"$PREFIX/too-big"
  # nginx may close the connection while curl is still sending: curl's exit status is no news.
  code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -X POST --data-binary @"$PREFIX/too-big" \
    "$BASE/login/" || true)
  [[ $code == 413 ]] || fail "an 11 MB + 1 byte request answered $code, not 413"
}

sign_in() {
  local token headers
  token=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' "$PREFIX/login.html" | head -n 1)
  headers=$("${CURL[@]}" -D - -o /dev/null -b "$PREFIX/cookies" -c "$PREFIX/cookies" \
    -H "Referer: $BASE/login/" --data-urlencode "csrfmiddlewaretoken=$token" \
    --data-urlencode "username=guide-admin" --data-urlencode "password=$ADMIN_PASSWORD" \
    "$BASE/login/")
  echo "$headers"
  grep -q '^HTTP/2 302' <<<"$headers" || fail "signing in did not redirect"
  grep -qi '^set-cookie: sessionid=.*; secure' <<<"$headers" || fail "session cookie not Secure"
  "${CURL[@]}" -f -b "$PREFIX/cookies" -o "$PREFIX/admin.html" "$BASE/admin/"
  grep -q 'Site administration' "$PREFIX/admin.html" || fail "the admin did not open after signing in"
  # The app saw the client's address through X-Forwarded-For (security log), not nginx's.
  grep -q "Signed in: username='guide-admin' ip=127.0.0.1" "$LOGS/gunicorn.log" ||
    fail "no sign-in line in the security log"
}

secret_links_unlogged() {
  # A display link opens the board (its token is the credential); a calendar feed's key is
  # sent the same way. Neither nginx's access log nor gunicorn's may hold them.
  local token key code
  token=$(manage shell --no-imports -c "
from django.contrib.auth.models import User
from people.models import Department
from recognition.services.board import display_link_create
department, _ = Department.objects.get_or_create(slug='guide-check', defaults={'name': 'Guide check'})
admin = User.objects.get(username='guide-admin')
print(display_link_create(department=department, name='Guide screen', created_by=admin)[1])" | tail -n 1)
  [[ ${#token} -ge 40 ]] || fail "no display link token: $token"
  code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/board/display/$token/")
  [[ $code == 200 ]] || fail "the display link answered $code"
  key=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
  "${CURL[@]}" -o /dev/null "$BASE/showcase/calendar.ics?key=$key"
  local log=$NGINX/qiregister.access.log
  wait_for 10 grep -q 'GET /showcase/calendar.ics?\[redacted\] ' "$log" ||
    fail "no redacted calendar request in $log"
  grep -q 'GET /board/display/\[redacted\]/ HTTP/2.0" 200 ' "$log" ||
    fail "no redacted display request in $log: $(tail -n 3 "$log")"
  grep -q 'GET /board/display/\[redacted\]/ HTTP/1.1" 200 ' "$LOGS/gunicorn.log" ||
    fail "no redacted display request in gunicorn's access log"
  for file in "$log" "$NGINX/access.log" "$LOGS/gunicorn.log"; do
    ! grep -qF -e "$token" -e "$key" "$file" 2>/dev/null || fail "$file holds a secret link"
  done
}

worker_unit() {
  manage shell --no-imports -c "
from common.email import send_email
send_email.enqueue(subject='Guide check $$', text='Sent by the worker.', html='<p>Sent.</p>', to=['someone@example.nhs.uk'])
"
  task_status() {
    manage shell --no-imports -c "
from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.get(args_kwargs__kwargs__subject='Guide check $$').status)" 2>/dev/null
  }
  [[ $(task_status) == READY ]] || fail "the email was not queued"
  local pid
  pid=$(start_unit "$PREFIX/systemd/qiregister-worker.service" "$LOGS/worker.log")
  pids+=("$pid")
  wait_for 60 grep -q "Subject: Guide check $$" "$LOGS/worker.log" ||
    fail "the worker sent nothing: $(tail -n 20 "$LOGS/worker.log")"
  wait_for 20 test "$(task_status)" = SUCCESSFUL || fail "task status $(task_status)"
  grep -q "To: someone@example.nhs.uk" "$LOGS/worker.log"
  # systemctl stop: SIGTERM, and the worker stops well within TimeoutStopSec.
  kill -TERM "$pid"
  wait_for 60 bash -c "! kill -0 $pid" || fail "the worker did not stop on SIGTERM"
}

cron_jobs() {
  relocate "$APP/deploy/cron/qiregister" >"$PREFIX/cron"
  local ran=0 minute user command
  while read -r minute _ _ _ _ user command; do
    [[ $minute =~ ^[0-9*] ]] || continue
    [[ $user == qiregister ]] || fail "cron job not run as qiregister: $command"
    echo "+ $command"
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$VAR_LIB" QIREGISTER_ENV_FILE="$ENV_FILE" \
      /bin/sh -c "$command"
    ran=$((ran + 1))
  done <"$PREFIX/cron"
  ((ran >= 5)) || fail "only $ran cron jobs found"
  # The nightly backup job wrote a complete backup.
  BACKUP=$(find "$BACKUPS" -mindepth 1 -maxdepth 1 -type d -name 'qiregister-*' | head -n 1)
  [[ -n $BACKUP ]] || fail "the backup job wrote nothing in $BACKUPS"
  for file in database.dump media.tar.gz manifest.json; do
    test -s "$BACKUP/$file" || fail "$BACKUP/$file missing"
  done
}

restore_drill() {
  psql -v ON_ERROR_STOP=1 "$ADMIN_URL" -c "CREATE DATABASE \"$RESTORE_NAME\""
  sed -e "s|^DATABASE_URL=.*|DATABASE_URL=$RESTORE_URL|" \
    -e "s|^MEDIA_ROOT=.*|MEDIA_ROOT=$PREFIX/restore/media|" "$ENV_FILE" >"$ETC/env.restore"
  mkdir -p "$PREFIX/restore/media"
  QIREGISTER_ENV_FILE=$ETC/env.restore "$APP/deploy/manage.sh" restore "$BACKUP"
  local users
  users=$(QIREGISTER_ENV_FILE=$ETC/env.restore "$APP/deploy/manage.sh" shell --no-imports -c \
    "from django.contrib.auth.models import User; print(User.objects.filter(username='guide-admin').count())")
  [[ $users == 1 ]] || fail "the restored database lacks the admin account"
}

reload_web() {
  # An upgrade ends with `systemctl reload qiregister-web` (HUP): new workers, no refused request.
  kill -HUP "$WEB_PID"
  for _ in $(seq 20); do
    [[ $(status_of "$BASE/healthz") == 200 ]] || fail "a request failed during the reload"
    sleep 0.25
  done
  grep -q "Handling signal: hup" "$LOGS/gunicorn.log" || fail "gunicorn did not reload"
  manage migrate --check # nothing left to migrate
}

ADMIN_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
echo "Following docs/deployment.md in $PREFIX (HTTPS on $HOST:$HTTPS_PORT, database $DB_NAME)"
step "tools installed (nginx, openssl, curl, psql, pg_dump, systemd-analyze)" tools
step "release copied to /srv/qiregister" copy_release
step "venv from requirements.lock" venv
step "environment file from .env.example" environment_file
step "database created" database
step "manage.py migrate" migrate
step "manage.py collectstatic" collectstatic
step "manage.py check --deploy" check_deploy
step "manage.py createsuperuser" superuser
step "systemd units pass systemd-analyze verify" units
step "web unit: gunicorn answers /healthz" web_unit
step "TLS certificate (self-signed here)" certificate
step "nginx -t with deploy/nginx/qiregister.conf" nginx_config
step "nginx started" nginx_start
step "HTTPS /healthz answers 200" https_healthz
step "TLS 1.2 and 1.3 with a verified certificate" tls_versions
step "HTTP redirects to HTTPS" http_redirect
step "sign-in page: HSTS, CSP, Secure cookies" login_page
step "static file served by whitenoise" static_file
step "request bodies over 11 MB refused by nginx" upload_cap
step "sign in over HTTPS" sign_in
step "display link and calendar key kept out of the access logs" secret_links_unlogged
step "worker unit sends a queued email" worker_unit
step "every cron job runs (backup included)" cron_jobs
step "restore drill into a second database" restore_drill
step "reload after an upgrade keeps serving" reload_web
