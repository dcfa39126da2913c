#!/usr/bin/env bash
# Starts Debian's PostgreSQL 15 (cluster 15/main, port 5432) for the real-server tests, creates their role and
# database if missing, and prints the URL to give them on stdout (everything else goes to stderr):
#   export TEST_DATABASE_URL="$(scripts/postgres-test-server.sh)" && npm run test:pg
# Idempotent: run it again and it only checks. Needs root (it acts as the postgres system user).
set -euo pipefail

version=15
cluster=main
role=taskrpc_ci
# A fixed password is fine: the role exists only on a test server that listens on localhost.
password=taskrpc_ci
database=taskrpc_ci

if [ "$(id -u)" -ne 0 ]; then
  echo "postgres-test-server: run as root (it starts the cluster and acts as the postgres user)" >&2
  exit 1
fi
if ! command -v pg_ctlcluster > /dev/null; then
  echo "postgres-test-server: PostgreSQL is not installed (apt-get install postgresql-$version)" >&2
  exit 1
fi

if ! pg_lsclusters --no-header | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c { found = 1 } END { exit !found }'; then
  pg_createcluster "$version" "$cluster" >&2
fi

if ! pg_ctlcluster "$version" "$cluster" status > /dev/null 2>&1; then
  # Small: the machine this runs on is shared (two cores, several jobs). Only set while it is down, since
  # shared_buffers takes a restart and someone else may be using a running server.
  pg_conftool "$version" "$cluster" set shared_buffers 64MB
  pg_conftool "$version" "$cluster" set work_mem 4MB
  pg_conftool "$version" "$cluster" set maintenance_work_mem 64MB
  pg_conftool "$version" "$cluster" set max_connections 100
  pg_conftool "$version" "$cluster" set listen_addresses localhost
  pg_ctlcluster "$version" "$cluster" start >&2
fi

port=$(pg_conftool -s "$version" "$cluster" show port)
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$port" >&2

psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q -X -p "$port" "$@"; }

# CREATEDB: a test run may make a database of its own beside this one.
psql_admin -d postgres -v role="$role" -v password="$password" <<'SQL' >&2
select format('create role %I login createdb password %L', :'role', :'password')
where not exists (select from pg_roles where rolname = :'role') \gexec
select format('alter role %I login createdb password %L', :'role', :'password') \gexec
SQL
psql_admin -d postgres -v role="$role" -v database="$database" <<'SQL' >&2
select format('create database %I owner %I', :'database', :'role')
where not exists (select from pg_database where datname = :'database') \gexec
SQL
# pg_trgm is a trusted extension, so the owner could create it; made here once so no test run needs to.
psql_admin -d "$database" -c 'create extension if not exists pg_trgm' >&2

echo "postgres://$role:$password@127.0.0.1:$port/$database"
