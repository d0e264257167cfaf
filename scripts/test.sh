#!/usr/bin/env bash
# The test command of amplify-rest:
#
#   ./scripts/test.sh                 everything, from nothing: .venv, moto, the test gateway,
#                                     the gateway's own pytest suite, then cargo test
#   ./scripts/test.sh --servers-only  start moto and the gateway, print the two `export` lines,
#                                     keep them running until Ctrl-C (run `cargo test` by hand)
#
# Environment:
#   AMPLIFY_REST_TEST_CARGO_ARGS  extra arguments for `cargo test` (split on spaces),
#                                 e.g. "-p amplify-rest -- --nocapture"
#   CI=true                       a missing piece (no Cargo.toml) fails the run instead of skipping
#
# Exported for the tests:
#   AMPLIFY_REST_TEST_MOTO=http://127.0.0.1:<port>     moto server (Cognito user + identity pools)
#   AMPLIFY_REST_TEST_GATEWAY=http://127.0.0.1:<port>  stand-in API Gateway (tests/gateway/gateway.py)
#
# Server logs: target/test-logs/{moto,gateway}.log (their tails are printed when a step fails).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv
REQUIREMENTS=tests/requirements.txt
LOG_DIR=target/test-logs
MOTO_TIMEOUT=30     # seconds for moto to answer GET /moto-api/
GATEWAY_TIMEOUT=20  # seconds for the gateway to write its port file

SERVERS_ONLY=0
case "${1:-}" in
  "") ;;
  --servers-only) SERVERS_ONLY=1 ;;
  -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: $0 [--servers-only]" >&2; exit 2 ;;
esac

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'test.sh: ERROR: %s\n' "$*" >&2; exit 1; }

MOTO_PID=""
GATEWAY_PID=""
TMP_DIR=""

# Stop one server: its whole process group first (it was started as a group leader),
# then the pid alone as a fallback; SIGKILL if it has not gone after 5 s.
stop_server() {
  local pid=$1
  [[ -n $pid ]] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
  local i
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

show_logs() {
  local f
  for f in "$LOG_DIR"/moto.log "$LOG_DIR"/gateway.log; do
    [[ -s $f ]] || continue
    printf '\n----- last 40 lines of %s -----\n' "$f" >&2
    tail -n 40 "$f" >&2
  done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_server "$GATEWAY_PID"
  stop_server "$MOTO_PID"
  [[ -n $TMP_DIR ]] && rm -rf "$TMP_DIR"
  if ((rc != 0)); then
    show_logs
    printf '\ntest.sh: FAILED (exit %s)\n' "$rc" >&2
  fi
  exit "$rc"
}
# Ctrl-C / kill: stop the servers (cleanup). With --servers-only that is the normal way out.
on_signal() {
  if ((SERVERS_ONLY)) && [[ -n $GATEWAY_PID ]]; then
    log "stopping the servers"
    exit 0
  fi
  exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# Start a server in its own session, so that it (and anything it spawns) can be killed as
# one process group, and so that Ctrl-C reaches this script, which then stops it cleanly.
# (A background job of a non-interactive shell is not a group leader, so setsid does not fork
# and $! is the server's pid = its process group id.)
start_bg() {
  local logfile=$1
  shift
  if command -v setsid >/dev/null 2>&1; then
    setsid "$@" >"$logfile" 2>&1 </dev/null &
  else
    "$@" >"$logfile" 2>&1 </dev/null &
  fi
}

# ------------------------------------------------------------------ .venv

file_sha256() {
  python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"
}

ensure_venv() {
  command -v python3 >/dev/null 2>&1 || die "python3 is not installed"
  [[ -f $REQUIREMENTS ]] || die "$REQUIREMENTS is missing"
  # The stamp covers the requirements and the interpreter: a change to either rebuilds .venv.
  local want
  want="$(file_sha256 "$REQUIREMENTS") $(python3 -c 'import sys; print(sys.version.split()[0])')"
  if [[ -x $VENV/bin/python && -f $VENV/.requirements.sha256 && "$(cat "$VENV/.requirements.sha256")" == "$want" ]]; then
    return 0
  fi
  log "building $VENV from $REQUIREMENTS (first run, or the requirements changed)"
  local start=$SECONDS
  rm -rf "$VENV"
  python3 -m venv "$VENV" || die "python3 -m venv failed (Debian/Ubuntu: apt-get install python3-venv)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS" \
    || { rm -rf "$VENV"; die "pip install -r $REQUIREMENTS failed"; }
  echo "$want" >"$VENV/.requirements.sha256"  # written last: an interrupted install is redone
  log "$VENV ready in $((SECONDS - start)) s"
}

# ------------------------------------------------------------------ servers

free_port() {
  "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# 0 when GET $1 answers 200.
http_ok() {
  "$VENV/bin/python" - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=1).status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}

start_moto() {
  local attempt port deadline
  # A free port can be taken between asking and binding: try a few.
  for attempt in 1 2 3; do
    port=$(free_port)
    start_bg "$LOG_DIR/moto.log" "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port"
    MOTO_PID=$!
    deadline=$((SECONDS + MOTO_TIMEOUT))
    while ((SECONDS < deadline)); do
      if ! kill -0 "$MOTO_PID" 2>/dev/null; then
        wait "$MOTO_PID" 2>/dev/null || true
        MOTO_PID=""
        log "moto exited at start-up on port $port (attempt $attempt)"
        continue 2
      fi
      if http_ok "http://127.0.0.1:$port/moto-api/"; then
        MOTO_URL="http://127.0.0.1:$port"
        log "moto ready at $MOTO_URL (pid $MOTO_PID)"
        return 0
      fi
      sleep 0.2
    done
    die "moto did not answer GET http://127.0.0.1:$port/moto-api/ within ${MOTO_TIMEOUT}s (log: $LOG_DIR/moto.log)"
  done
  die "moto failed to start 3 times (log: $LOG_DIR/moto.log)"
}

start_gateway() {
  local port_file=$TMP_DIR/gateway.port deadline
  start_bg "$LOG_DIR/gateway.log" "$VENV/bin/python" tests/gateway/gateway.py \
    --port 0 --port-file "$port_file" --moto-url "$MOTO_URL"
  GATEWAY_PID=$!
  deadline=$((SECONDS + GATEWAY_TIMEOUT))
  # The gateway writes the port file atomically (tmp + rename) once it listens.
  until [[ -s $port_file ]]; do
    kill -0 "$GATEWAY_PID" 2>/dev/null || die "the gateway exited at start-up (log: $LOG_DIR/gateway.log)"
    ((SECONDS < deadline)) || die "the gateway did not start within ${GATEWAY_TIMEOUT}s (log: $LOG_DIR/gateway.log)"
    sleep 0.1
  done
  GATEWAY_URL="http://127.0.0.1:$(tr -d '[:space:]' <"$port_file")"
  http_ok "$GATEWAY_URL/_admin/health" || die "the gateway does not answer at $GATEWAY_URL"
  log "gateway ready at $GATEWAY_URL (pid $GATEWAY_PID)"
}

# ------------------------------------------------------------------ main

ensure_venv
mkdir -p "$LOG_DIR"
TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/amplify-rest-test.XXXXXX")
start_moto
start_gateway
export AMPLIFY_REST_TEST_MOTO=$MOTO_URL
export AMPLIFY_REST_TEST_GATEWAY=$GATEWAY_URL

if ((SERVERS_ONLY)); then
  echo "export AMPLIFY_REST_TEST_GATEWAY=$AMPLIFY_REST_TEST_GATEWAY"
  echo "export AMPLIFY_REST_TEST_MOTO=$AMPLIFY_REST_TEST_MOTO"
  log "servers running (logs in $LOG_DIR/); Ctrl-C to stop"
  while kill -0 "$MOTO_PID" 2>/dev/null && kill -0 "$GATEWAY_PID" 2>/dev/null; do
    sleep 1
  done
  die "a server stopped unexpectedly"
fi

FAILED=()

log "gateway test suite (pytest)"
if ! PYTHONDONTWRITEBYTECODE=1 "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/gateway; then
  FAILED+=("gateway pytest suite")
fi

if [[ ! -f Cargo.toml ]]; then
  [[ ${CI:-} == true ]] && die "no Cargo.toml: nothing for cargo to test (CI never skips)"
  log "no Cargo.toml yet: skipping cargo test"
else
  command -v cargo >/dev/null 2>&1 || die "cargo is not installed (https://rustup.rs)"
  CARGO_EXTRA=()
  read -r -a CARGO_EXTRA <<<"${AMPLIFY_REST_TEST_CARGO_ARGS:-}"
  log "cargo test --workspace --all-targets ${CARGO_EXTRA[*]+"${CARGO_EXTRA[*]}"}"
  if ! cargo test --workspace --all-targets ${CARGO_EXTRA[@]+"${CARGO_EXTRA[@]}"}; then
    FAILED+=("cargo test")
  fi
fi

if ((${#FAILED[@]})); then
  printf 'test.sh: failed step(s): %s\n' "$(IFS=,; echo "${FAILED[*]}")" >&2
  exit 1
fi
log "all tests passed"
