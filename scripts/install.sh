#!/usr/bin/env bash
# Installs what raccord needs: uv (from PyPI) and the locked Python packages.
# With --tests, also Debian's chromium, redis-server and postgresql for the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--tests" ]; then
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-liberation >/dev/null
  fi
fi

if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
fi
export UV_PYTHON_DOWNLOADS=never
uv sync --frozen --quiet
