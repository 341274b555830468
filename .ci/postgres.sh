#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the store tests: a new cluster in a temporary folder on a free loopback port,
# trust authentication, no data kept. Prints the URL; `.ci/postgres.sh stop DIR` stops it and removes the folder.
set -euo pipefail
if [[ "${1:-}" == "stop" ]]; then
  owner=$(stat -c %U "$2")
  if [[ $(id -u) == 0 && "$owner" != root ]]; then
    runuser -u "$owner" -- pg_ctl -D "$2/data" -m immediate stop >/dev/null 2>&1 || true
  else
    pg_ctl -D "$2/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$2"
  exit 0
fi
if ! command -v initdb >/dev/null 2>&1; then
  for bin in /usr/lib/postgresql/*/bin; do [[ -x "$bin/initdb" ]] && export PATH="$bin:$PATH"; done
fi
if ! command -v initdb >/dev/null 2>&1; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  for bin in /usr/lib/postgresql/*/bin; do [[ -x "$bin/initdb" ]] && export PATH="$bin:$PATH"; done
fi
dir=$(mktemp -d /tmp/tz-postgres.XXXXXX)
chmod 755 "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run=()
# initdb refuses to run as root: the cluster then belongs to the `postgres` (or `nobody`) user.
if [[ $(id -u) == 0 ]]; then
  user=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
  chown "$user" "$dir"
  run=(runuser -u "$user" --)
fi
"${run[@]}" initdb -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
"${run[@]}" pg_ctl -D "$dir/data" -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" -l "$dir/log" -w start >/dev/null
echo "$dir postgres://postgres@127.0.0.1:$port/postgres"
