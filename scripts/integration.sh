#!/usr/bin/env bash
# `npm run test:integration`: starts PostgreSQL and Redis on loopback, runs the integration tests
# (extra jest arguments pass through), stops the services whatever the outcome.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh start >/dev/null || exit 1
trap 'scripts/services.sh stop >/dev/null 2>&1' EXIT
npx jest -c jest.integration.config.js "$@"
