#!/usr/bin/env bash
# The Docker image, built and run for real (`make test-docker`, the last leg of
# .ci/run): build it; run migrate, preflight, the rq worker and the web process
# from it against PostgreSQL and Redis on 127.0.0.1; check /health/, the login
# page and its static files, an import run by the worker container, the user the
# processes run as; validate docker-compose.yml.
#
# Containers use the host's network (--network host): every connection stays on
# 127.0.0.1. Without a Docker engine (and no way to start one) the leg is SKIPPED
# loudly; with DOCKER_REQUIRED=1 (CI) that is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
IMAGE=${DOCKER_IMAGE:-alims-backoffice:ci}
PG_ADMIN_URL=${TEST_DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DB_NAME=alims_docker_ci
DB_URL=${PG_ADMIN_URL%/*}/$DB_NAME
REDIS_URL=${TEST_DOCKER_REDIS_URL:-redis://127.0.0.1:6379/14}
WEB_PORT=${TEST_DOCKER_PORT:-18765}
BASE_CACHE=${DOCKER_BASE_CACHE:-/var/cache/alims-docker}
PY=.venv/bin/python
PREFIX=alims-ci-$$
LABEL=alims-ci-docker-leg
STARTED_DOCKERD=""
START=$(date +%s)
LOGS=$(mktemp -d /tmp/alims-docker-leg.XXXXXX)

skip() {
  echo "=================================================================="
  echo "  Docker leg SKIPPED: $1"
  echo "=================================================================="
  [ "${DOCKER_REQUIRED:-0}" = "1" ] && { echo "DOCKER_REQUIRED=1: failing."; exit 1; }
  exit 0
}
step() { echo ">>> [$(( $(date +%s) - START ))s] $*"; }

cleanup() {
  docker rm -f "$PREFIX-web" "$PREFIX-worker" >/dev/null 2>&1
  docker image prune -f >/dev/null 2>&1  # the build stages (they hold the build's CA bundle)
  docker volume rm -f "$PREFIX-data" >/dev/null 2>&1
  rm -f docker/extra-ca/ci-host-bundle.crt
  [ -n "$DB_CREATED" ] && "$PY" - "$PG_ADMIN_URL" "$DB_NAME" <<'PY' >/dev/null 2>&1
import sys, psycopg
with psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), autocommit=True) as c:
    c.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
PY
  if [ -n "$STARTED_DOCKERD" ]; then
    kill "$STARTED_DOCKERD" 2>/dev/null && wait "$STARTED_DOCKERD" 2>/dev/null
  fi
}
DB_CREATED=""
trap cleanup EXIT

[ -x "$PY" ] || { echo "✗ $PY is missing: run make .venv/.dev (make test-docker does)"; exit 1; }
# one run at a time on a machine: the database, Redis db, port and tag are the leg's own
exec 9>/tmp/alims-docker-leg.lock
flock -w 900 9 || { echo "✗ another Docker leg has held the lock for 15 minutes"; exit 1; }

# --- an engine ---------------------------------------------------------------
command -v docker >/dev/null 2>&1 || skip "the docker command is not installed (apt-get install docker.io)"
if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v dockerd >/dev/null 2>&1; then
    step "starting a Docker engine (no bridge: containers use the host's network)"
    dockerd --bridge=none --iptables=false --ip-masq=false >/tmp/alims-dockerd.log 2>&1 &
    STARTED_DOCKERD=$!
    for _ in $(seq 30); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || skip "dockerd did not start (see /tmp/alims-dockerd.log)"
  else
    skip "no Docker engine is running and this user cannot start one"
  fi
fi
# containers an interrupted run left behind (they would hold the port and take the jobs)
stale=$(docker ps -aq --filter "label=$LABEL")
[ -z "$stale" ] || docker rm -f $stale >/dev/null

# --- the services ------------------------------------------------------------
"$PY" - "$PG_ADMIN_URL" "$REDIS_URL" <<'PY' || skip "PostgreSQL or Redis is not reachable on 127.0.0.1"
import sys, psycopg, redis
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
redis.Redis.from_url(sys.argv[2], socket_connect_timeout=3).ping()
PY

# --- the base image: pulled where a registry answers, else made from Debian's packages
if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
  step "base image debian:bookworm-slim: pulling"
  if ! timeout 60 docker pull debian:bookworm-slim >/dev/null 2>&1; then
    command -v debootstrap >/dev/null 2>&1 || skip "no registry and no debootstrap to make the base image"
    step "no registry: making debian:bookworm-slim with debootstrap (cached in $BASE_CACHE)"
    mkdir -p "$BASE_CACHE"
    if [ ! -f "$BASE_CACHE/rootfs.complete" ]; then  # written only after a whole debootstrap
      rm -rf "$BASE_CACHE/rootfs"
      debootstrap --variant=minbase bookworm "$BASE_CACHE/rootfs" http://deb.debian.org/debian \
        >"$LOGS/debootstrap.log" 2>&1 || skip "debootstrap failed (see $LOGS/debootstrap.log)"
      rm -rf "$BASE_CACHE/rootfs/var/lib/apt/lists/"* "$BASE_CACHE/rootfs/var/cache/apt/"*.bin
      touch "$BASE_CACHE/rootfs.complete"
    fi
    tar -C "$BASE_CACHE/rootfs" -c . | docker import -c 'CMD ["bash"]' - debian:bookworm-slim >/dev/null \
      || { echo "docker import failed"; exit 1; }
  fi
fi

# --- build ---------------------------------------------------------------------
# This network inspects TLS: the host's authorities are trusted by the build only.
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt docker/extra-ca/ci-host-bundle.crt
fi
step "building $IMAGE"
if ! DOCKER_BUILDKIT=0 docker build --network host -t "$IMAGE" . >$LOGS/build.log 2>&1; then
  tail -40 $LOGS/build.log
  echo "✗ the image did not build (whole log: $LOGS/build.log)"
  exit 1
fi
rm -f docker/extra-ca/ci-host-bundle.crt
docker image inspect "$IMAGE" --format '✓ built: {{.Size}}, user {{.Config.User}}, cmd {{.Config.Cmd}}' \
  | awk '{ $3 = sprintf("%.0f MB", $3 / 1e6); print }'

# --- a database of its own -------------------------------------------------------
"$PY" - "$PG_ADMIN_URL" "$DB_NAME" "$REDIS_URL" <<'PY' || exit 1
import sys, psycopg, redis
with psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), autocommit=True) as c:
    c.execute(f'DROP DATABASE IF EXISTS "{sys.argv[2]}" WITH (FORCE)')
    c.execute(f'CREATE DATABASE "{sys.argv[2]}"')
redis.Redis.from_url(sys.argv[3]).flushdb()
PY
DB_CREATED=1

SECRET=$("$PY" -c "import secrets; print(secrets.token_urlsafe(50))")
ENV=(-e "DATABASE_URL=$DB_URL" -e "REDIS_URL=$REDIS_URL" -e "SECRET_KEY=$SECRET"
     -e "ALLOWED_HOSTS=127.0.0.1,localhost" -e "CSRF_TRUSTED_ORIGINS=https://127.0.0.1"
     -e "SECURE_HTTPS=True" -e "BEHIND_PROXY=True" -e "TRUSTED_PROXY_IPS=127.0.0.1"
     -e "SECURE_HSTS_SECONDS=0" -e "PORT=$WEB_PORT" -e "WEB_CONCURRENCY=2")
# as the Compose file runs them: a read-only image, no capabilities, no privilege gain
HARDEN=(--read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges:true)
RUN=(docker run --rm --network host "${HARDEN[@]}" "${ENV[@]}" -v "$PREFIX-data:/data")

step "migrate (a one-off command from the image)"
"${RUN[@]}" "$IMAGE" python manage.py migrate --noinput >$LOGS/migrate.log 2>&1 \
  || { tail -20 $LOGS/migrate.log; echo "✗ migrate failed"; exit 1; }
echo "✓ migrated ($(grep -c ' OK$' $LOGS/migrate.log) migrations)"

step "a manager, made with a one-off command"
PASSWORD=$("$PY" -c "import secrets; print(secrets.token_urlsafe(16))")
"${RUN[@]}" -e "SMOKE_PASSWORD=$PASSWORD" "$IMAGE" python manage.py shell -v 0 -c "
import os
from django.contrib.auth.models import Group
from backoffice.accounts.models import User
from backoffice.accounts.roles import SALES_MANAGER
user = User.objects.create_user('smoke.manager', password=os.environ['SMOKE_PASSWORD'], is_staff=True, first_name='Smoke')
user.groups.add(Group.objects.get(name=SALES_MANAGER))
" || { echo "✗ could not make the manager"; exit 1; }

step "the worker and the web process"
docker run -d --name "$PREFIX-worker" --label "$LABEL" --network host "${HARDEN[@]}" "${ENV[@]}" -v "$PREFIX-data:/data" \
  --health-interval 5s --health-start-period 5s "$IMAGE" python manage.py rqworker default >/dev/null || exit 1
docker run -d --name "$PREFIX-web" --label "$LABEL" --network host "${HARDEN[@]}" "${ENV[@]}" -v "$PREFIX-data:/data" \
  --health-interval 5s --health-start-period 5s "$IMAGE" >/dev/null || exit 1
status=""
for _ in $(seq 60); do
  status=$(docker inspect --format '{{.State.Health.Status}}' "$PREFIX-web" 2>/dev/null)
  [ "$status" = "healthy" ] && break
  [ "$(docker inspect --format '{{.State.Running}}' "$PREFIX-web")" = "true" ] || break
  sleep 2
done
if [ "$status" != "healthy" ]; then
  docker logs --tail 40 "$PREFIX-web"; docker logs --tail 20 "$PREFIX-worker"
  echo "✗ the web container is not healthy: $status"
  exit 1
fi
echo "✓ the web container is healthy (its own HEALTHCHECK on /health/live/)"

step "preflight (a one-off command, with the worker running)"
"${RUN[@]}" "$IMAGE" python manage.py preflight || { echo "✗ preflight failed"; exit 1; }

step "a backup from the image (pg_dump)"
"${RUN[@]}" "$IMAGE" python manage.py backup_database >$LOGS/backup.log 2>&1 \
  || { cat $LOGS/backup.log; echo "✗ backup_database failed"; exit 1; }
echo "✓ $(tail -1 $LOGS/backup.log)"

step "the web process, over HTTP"
"$PY" scripts/docker_smoke.py "http://127.0.0.1:$WEB_PORT" "$DB_URL" smoke.manager "$PASSWORD" \
  || { docker logs --tail 40 "$PREFIX-web"; docker logs --tail 40 "$PREFIX-worker"; exit 1; }

step "the logs"
docker logs "$PREFIX-web" >"$LOGS/web.log" 2>&1
"$PY" - "$LOGS/web.log" <<'PY' || exit 1
import json, sys
lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
requests = []
for line in lines:
    try:
        record = json.loads(line)
    except ValueError:
        continue
    if record.get("logger") == "alims.request":
        requests.append(record)
if not requests or not all(r.get("request_id") and "status" in r and "path" in r for r in requests):
    sys.exit(f"✗ no JSON request lines with request_id, path and status in the web log ({len(lines)} lines)")
leaks = [line for line in lines if "98765" in line or "43211" in line]
if leaks:
    sys.exit(f"✗ a searched phone number reached the web log: {leaks[0][:200]}")
print(f"✓ the web log: {len(requests)} JSON request lines with their request ids; no searched number")
PY

step "who the processes run as"
for c in web worker; do
  uid=$(docker exec "$PREFIX-$c" id -u)
  [[ $uid =~ ^[1-9][0-9]*$ ]] || { echo "✗ the $c container runs as uid '$uid'"; exit 1; }
  # every process in the container, not only the shell docker exec starts
  users=$(docker top "$PREFIX-$c" -o pid,user | awk 'NR > 1 { print $2 }' | sort -u | tr '\n' ' ')
  [ -n "$users" ] || { echo "✗ could not list the $c container's processes"; exit 1; }
  case " $users " in *" root "*|*" 0 "*) echo "✗ a process of the $c container runs as root: $users"; exit 1;; esac
  echo "✓ $c runs as uid $uid ($users)"
done
worker_log=$(docker logs "$PREFIX-worker" 2>&1)
health=$(docker inspect --format '{{.State.Health.Status}}' "$PREFIX-worker")
[ "$health" = "healthy" ] || { echo "✗ the worker container is $health (its HEALTHCHECK)"; exit 1; }
echo "✓ the worker container is healthy (no web process to ask: the check says so)"
grep -q "import_run_job" <<<"$worker_log" && echo "✓ the worker's log names the import job" \
  || { tail -20 <<<"$worker_log"; echo "✗ the worker's log does not name the import job"; exit 1; }

step "docker-compose.yml"
COMPOSE=$(command -v docker-compose || true)
if [ -z "$COMPOSE" ] && docker compose version >/dev/null 2>&1; then COMPOSE="docker compose"; fi
if [ -n "$COMPOSE" ]; then
  SECRET_KEY=x POSTGRES_PASSWORD=x $COMPOSE -f docker-compose.yml --env-file .env.example config -q \
    || { echo "✗ docker-compose.yml does not validate"; exit 1; }
  empty=$(mktemp)
  if missing=$(env -u SECRET_KEY POSTGRES_PASSWORD=x $COMPOSE -f docker-compose.yml --env-file "$empty" config -q 2>&1); then
    rm -f "$empty"; echo "✗ docker-compose.yml validates without SECRET_KEY (it must be required)"; exit 1
  fi
  rm -f "$empty"
  grep -q "SECRET_KEY" <<<"$missing" || { echo "✗ without SECRET_KEY Compose says: $missing"; exit 1; }
  echo "✓ docker-compose.yml validates ($($COMPOSE version --short 2>/dev/null || echo compose)); SECRET_KEY is required"
else
  echo "!!! docker-compose is not installed: the Compose file was not validated"
  [ "${DOCKER_REQUIRED:-0}" = "1" ] && exit 1
fi
step "Docker leg passed"
