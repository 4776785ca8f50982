#!/usr/bin/env bash
# Run a manage.py command with the services' environment file, as cron and the deployment
# guide do:   sudo -u qiregister /srv/qiregister/deploy/manage.sh migrate --no-input
# The file is QIREGISTER_ENV_FILE, default /etc/qiregister/env. Its values override the
# caller's environment, as they do for the systemd units.
# (deploy/check-guide.sh sources this file for qiregister_load_env only.)
set -euo pipefail

# Export the variables of an environment file read the way systemd reads EnvironmentFile=:
# one KEY=value a line, '#' and ';' comments, no shell expansion, so a value may hold spaces,
# '<' or '$' unquoted; blanks around the key and value and matching quotes around a whole value
# are removed.
qiregister_load_env() {
  local file=$1 line key value
  [[ -r $file ]] || { echo "cannot read the environment file $file" >&2; return 2; }
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line#"${line%%[![:space:]]*}"}
    [[ -z $line || $line == '#'* || $line == ';'* ]] && continue
    key=${line%%=*}
    key=${key%"${key##*[![:space:]]}"}
    if [[ $line != *=* || ! $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
      echo "$file: not KEY=value: $line" >&2
      return 2
    fi
    value=${line#*=}
    value=${value#"${value%%[![:space:]]*}"}
    value=${value%"${value##*[![:space:]]}"}
    if [[ ${#value} -ge 2 && ($value == \"*\" || $value == \'*\') ]]; then
      value=${value:1:${#value}-2}
    fi
    export "$key=$value"
  done <"$file"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  qiregister_load_env "${QIREGISTER_ENV_FILE:-/etc/qiregister/env}"
  cd "$checkout"
  exec "$checkout/.venv/bin/python" manage.py "$@"
fi
