#!/usr/bin/env bash
# Run the suite against PostgreSQL and Redis on 127.0.0.1, with a real rq
# worker. Skips loudly (exit 0) where the services are not there.
set -u
cd "$(dirname "$0")/.."
PG_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
RD_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}

have_services=$(.venv/bin/python - "$PG_URL" "$RD_URL" <<'PY'
import sys
try:
    import psycopg, redis
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
    redis.Redis.from_url(sys.argv[2], socket_connect_timeout=3).ping()
    print("yes")
except Exception as exc:  # noqa: BLE001
    print(f"no: {exc}")
PY
)
if [ "$have_services" != "yes" ]; then
  echo "=================================================================="
  echo "  PostgreSQL/Redis not reachable ($have_services)"
  echo "  SKIPPING the service leg of the suite."
  echo "=================================================================="
  exit 0
fi
echo ">>> Service leg: PostgreSQL ($PG_URL) and Redis ($RD_URL)"
# The Redis database is the suite's own: jobs left queued by an earlier run
# (hours old) would fail the health checks' queue-age test.
.venv/bin/python -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$RD_URL"
export DATABASE_URL="$PG_URL" REDIS_URL="$RD_URL" SECURE_HTTPS=False ALLOWED_HOSTS="*"
exec .venv/bin/python -m pytest "$@"
