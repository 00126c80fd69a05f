#!/usr/bin/env bash
# The API checked against its own OpenAPI schema by schemathesis, on a running
# app with the demo data: as a manager and as a counsellor, every operation,
# with generated valid and invalid input. Fails on any 500, any answer that
# does not match the schema, and the other checks schemathesis makes — except
# "schema-valid input accepted": the rules of a phone number, a follow-up date
# or a counsellor's id are the services', not the schema's, and a value of the
# right type can still break them (a 400 with the reason is the right answer).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=.venv/bin/python
PORT=${API_CHECK_PORT:-8765}
WORK=$(mktemp -d)
export DATA_DIR="$WORK" DEBUG=False SECRET_KEY=schema-check-only \
  ALLOWED_HOSTS=127.0.0.1 API_THROTTLE_RATE=100000/minute SECURE_HTTPS=False \
  DATABASE_URL= REDIS_URL=
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY manage.py seed_demo --if-empty > /dev/null
manager_token=$($PY manage.py api_token manager --name "schema check")
counsellor_token=$($PY manage.py api_token counsellor1 --name "schema check")
$PY manage.py runserver --noreload --nostatic "127.0.0.1:$PORT" > "$WORK/server.log" 2>&1 &
server=$!
for _ in $(seq 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/live/" 2>/dev/null && break
  sleep 1
done

status=0
for who in manager counsellor; do
  token_var="${who}_token"
  echo ">>> schemathesis as the $who"
  # from the scratch folder: schemathesis keeps its cache (.schemathesis/) where it runs
  (cd "$WORK" && "$ROOT/.venv/bin/schemathesis" run "http://127.0.0.1:$PORT/api/v1/schema/" \
    --header "Authorization: Bearer ${!token_var}" \
    --checks all \
    --exclude-checks positive_data_acceptance \
    --max-examples "${API_CHECK_EXAMPLES:-25}" \
    --workers 2 \
    --seed 1 \
    --no-color) || status=1
done
if [ $status -ne 0 ]; then
  echo "--- server log (last 60 lines)"; tail -n 60 "$WORK/server.log"
fi
exit $status
