#!/usr/bin/env bash
# `pnpm test`: prepares what the tests need (Postgres, Chromium), runs typecheck, lint and every
# package's tests, then prints one closing line. `.ci/run` calls this too.
set -euo pipefail
cd "$(dirname "$0")/../.."
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1

# shellcheck source=./ensure-postgres.sh
source tooling/scripts/ensure-postgres.sh
ensure_postgres
echo "Postgres for tests: $TEST_DATABASE_URL"
# shellcheck source=./ensure-chromium.sh
source tooling/scripts/ensure-chromium.sh
ensure_chromium
echo "Chromium for tests: $CHROMIUM_PATH"

# Stale reports would count again; turbo's run summary says which tasks failed.
rm -rf apps/*/test-results packages/*/test-results tooling/*/test-results .turbo/runs
status=0
turbo run typecheck lint test --continue --summarize "$@" || status=$?
node tooling/scripts/summarize-tests.mjs --turbo-summary "$(ls -t .turbo/runs/*.json 2>/dev/null | head -n1)" || status=1
exit "$status"
