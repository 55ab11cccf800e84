#!/usr/bin/env bash
# Set up Pledgemap on a fresh Debian machine and run it.
#
#   bash scripts/dev.sh serve [pledgemap serve options]   # the dashboard on http://127.0.0.1:8050
#   bash scripts/dev.sh test  [pytest options]            # the whole test suite
#   bash scripts/dev.sh check                             # lint, format, types and import contracts
#
# Installs what is missing: Debian packages (as root, or through sudo), a
# virtual environment in .venv with the versions locked in constraints.txt,
# and the project itself in editable mode. Re-running skips what is in place.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV="${PLEDGEMAP_VENV:-.venv}"
command_name="${1:-}"
[ $# -gt 0 ] && shift

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "dev.sh: need root (or sudo) to run: $*" >&2; exit 1
  fi
}

apt_updated=0
need_debian() {
  # need_debian PACKAGE... : install the Debian packages that are not installed yet.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "dev.sh: installing Debian packages: ${missing[*]}"
  if [ $apt_updated -eq 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_env() {
  command -v python3 >/dev/null || need_debian python3
  python3 -c 'import ensurepip, venv' 2>/dev/null || need_debian python3-venv
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  # Reinstall only when the lock or the project metadata changed.
  local stamp="$VENV/.pledgemap-installed"
  local want
  want="$(cat constraints.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
    echo "$want" > "$stamp"
  fi
}

case "$command_name" in
  serve)
    python_env
    exec "$VENV/bin/pledgemap" serve "$@"
    ;;
  test)
    # gdal-bin: ogrinfo reads the store back in tests; chromium: the browser tests (driven by
    # Playwright, which never downloads a browser of its own here); npm: axe-core for them.
    # postgresql + postgis: the PostGIS backend's tests start a private cluster of their own (pg_ctl on
    # 127.0.0.1, a free port) and stop it at the end; no database service is started here.
    need_debian gdal-bin chromium chromium-driver fonts-dejavu-core postgresql postgresql-15-postgis-3
    command -v npm >/dev/null || need_debian nodejs npm
    python_env
    if [ ! -f tests/a11y/node_modules/axe-core/axe.min.js ]; then
      npm ci --prefix tests/a11y --no-audit --no-fund --silent
    fi
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  check)
    python_env
    status=0
    "$VENV/bin/ruff" check . || status=1
    "$VENV/bin/ruff" format --check . || status=1
    "$VENV/bin/mypy" || status=1
    "$VENV/bin/lint-imports" --no-cache || status=1
    exit $status
    ;;
  *)
    echo "usage: bash scripts/dev.sh serve|test|check [options]" >&2
    exit 2
    ;;
esac
