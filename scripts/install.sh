#!/usr/bin/env bash
# Installs what raccord needs: uv (from PyPI) and the locked Python packages.
# Always: Debian's Tesseract with its French and English data (OCR_LOCAL reads receipts on the
# server, the sandbox uses it) and the fonts the receipt generator draws with.
# With --tests, also Debian's chromium, redis-server and postgresql for the test suite, and
# axe-core from npm (into .cache/axe) for the accessibility checks.
set -euo pipefail
cd "$(dirname "$0")/.."

ocr_missing=()
command -v tesseract >/dev/null 2>&1 || ocr_missing+=(tesseract-ocr)
for lang in fra eng; do
  ls /usr/share/tesseract-ocr/*/tessdata/"$lang".traineddata >/dev/null 2>&1 \
    || ocr_missing+=("tesseract-ocr-$lang")
done
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || ocr_missing+=(fonts-dejavu-core)
[ -e /usr/share/fonts/truetype/freefont/FreeMono.ttf ] || ocr_missing+=(fonts-freefont-ttf)
[ -e /usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf ] \
  || ocr_missing+=(fonts-liberation)
if [ ${#ocr_missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${ocr_missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "not root: run  sudo apt-get install ${ocr_missing[*]}  then this script again" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${ocr_missing[@]}" >/dev/null
fi

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
  # axe-core (accessibility rules the browser tests inject into every page), from npm, into a
  # folder that is not committed.
  if [ ! -f .cache/axe/node_modules/axe-core/axe.min.js ]; then
    if ! command -v npm >/dev/null 2>&1; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends npm >/dev/null
    fi
    npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4.14.1 >/dev/null
  fi
fi

if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
fi
export UV_PYTHON_DOWNLOADS=never
uv sync --frozen --quiet
