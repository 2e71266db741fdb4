# Sourced by tooling/scripts/test.sh: makes sure a Postgres that tests can use is reachable and
# exports TEST_DATABASE_URL. Order: an existing server on 127.0.0.1:5432 with trust auth, the
# installed cluster started, Debian's package installed, and last a throwaway trust cluster.

pg_usable() { command -v psql >/dev/null && psql "$1" -Atqc 'select 1' >/dev/null 2>&1; }

ensure_postgres() {
  local url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
  if pg_usable "$url"; then export TEST_DATABASE_URL="$url"; return; fi
  # The steps below start or install a cluster, which needs root.
  if [ "$(id -u)" != 0 ]; then
    echo "The tests need Postgres: start one that trusts user postgres on 127.0.0.1:5432 (Debian's postgresql package), set TEST_DATABASE_URL to one, or run the tests as root to have one started." >&2
    return 1
  fi

  if ! command -v pg_ctlcluster >/dev/null; then
    echo "ensure-postgres: installing PostgreSQL from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  if ls /etc/postgresql/*/main >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start 2>/dev/null || true
    for _ in $(seq 1 30); do pg_usable "$url" && break; sleep 0.5; done
    if pg_usable "$url"; then export TEST_DATABASE_URL="$url"; return; fi
  fi

  local throwaway="postgres://postgres@127.0.0.1:55432/postgres"
  # One started by an earlier run.
  if pg_usable "$throwaway"; then export TEST_DATABASE_URL="$throwaway"; return; fi
  echo "ensure-postgres: starting a throwaway trust cluster on 127.0.0.1:55432"
  local dir bin
  dir=$(mktemp -d); chown postgres "$dir"
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  runuser -u postgres -- "$bin/initdb" -D "$dir/data" --auth=trust -U postgres -E UTF8 >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" \
    -o "-p 55432 -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" -l "$dir/log" -w start >/dev/null
  export TEST_DATABASE_URL="$throwaway"
}
