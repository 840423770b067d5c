#!/usr/bin/env bash
# Installs whatever this machine is missing to build, run and test Procurement
# Commons. Safe to run repeatedly: each step checks before it installs.
# Sourced by .ci/app and .ci/test (so PATH and CARGO_TARGET_DIR carry over).
#   PC_SETUP_BROWSER=1  also install Chromium (for the browser tests)
#   PC_SETUP_POSTGRES=1 also make sure PostgreSQL is installed and running
#   PC_SETUP_SMTP=1     also install aiosmtpd (the SMTP server the email tests use)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10"
log() { printf '\n==> %s\n' "$*"; }

apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "$@" \
    || { $sudo apt-get update && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "$@"; }
}

# One build cache per machine, outside the clone, so fresh clones and CI reuse it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/procurement-commons/target}"
mkdir -p "$CARGO_TARGET_DIR"
export PATH="$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"

if ! command -v cargo >/dev/null; then
  echo "Rust is not installed. Install rustup (https://rustup.rs) and run this again." >&2
  exit 1
fi

log "Rust toolchain and wasm32 target"
(cd "$ROOT" && rustup show active-toolchain >/dev/null 2>&1 || true)
rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

log "cargo-leptos $CARGO_LEPTOS_VERSION"
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  # 0.3.11+ needs a newer rustc than 1.95; --locked keeps its dependencies buildable.
  cargo install --locked "cargo-leptos@$CARGO_LEPTOS_VERSION"
fi

WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock")"
log "wasm-bindgen-cli $WASM_BINDGEN_VERSION (must equal the wasm-bindgen crate in Cargo.lock)"
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  # Not --locked: its lock file wants a crate version the registry mirror may lack.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

log "Node.js packages (GOV.UK Frontend, sass, wasm-opt from binaryen, Playwright, axe-core)"
if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
for dir in style end2end; do
  stamp="$ROOT/$dir/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$ROOT/$dir/package-lock.json" -nt "$stamp" ]; then
    (cd "$ROOT/$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
done

if [ "${PC_SETUP_SMTP:-0}" = 1 ]; then
  log "aiosmtpd (a real SMTP server the email tests start; from PyPI)"
  if ! python3 -c "import aiosmtpd" 2>/dev/null; then
    python3 -m pip install --user --quiet aiosmtpd || python3 -m pip install --quiet aiosmtpd
  fi
  python3 -c "import aiosmtpd"
fi

if [ "${PC_SETUP_BROWSER:-0}" = 1 ]; then
  log "Chromium (Debian package; Playwright's own download does not work offline)"
  [ -x /usr/bin/chromium ] || apt_install chromium
fi

if [ "${PC_SETUP_POSTGRES:-0}" = 1 ]; then
  log "PostgreSQL on 127.0.0.1:5432"
  if ! command -v pg_ctlcluster >/dev/null; then apt_install postgresql; fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    for version in $(ls /etc/postgresql 2>/dev/null); do
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -h 127.0.0.1 -p 5432
fi
