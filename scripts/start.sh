#!/usr/bin/env bash
# One command for a newcomer: install, then run the hub with every simulator (sandbox).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec uv run raccord serve --sandbox "$@"
