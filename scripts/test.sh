#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (Python packages,
# Debian's chromium, redis-server and postgresql), starts PostgreSQL and Redis on loopback,
# runs the tests (SQLite, PostgreSQL, Redis, browser) and the benchmarks' short smoke runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --tests
eval "$(bash scripts/services.sh start)"
trap 'bash scripts/services.sh stop' EXIT
export UV_PYTHON_DOWNLOADS=never
uv run ruff check raccord tests bench
uv run lint-imports
uv run mypy raccord
uv run pytest -q -p no:cacheprovider "$@"
for bench in $(grep -l -- '--smoke' bench/*.py); do
  echo "smoke run: $bench"
  uv run python "$bench" --smoke
done
