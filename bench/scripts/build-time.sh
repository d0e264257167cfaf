#!/usr/bin/env bash
# `cargo build` (dev profile) time of a small crate whose only code is the macro over a
# generated config with N REST endpoints (default 1000), against the same crate with 10
# endpoints, and against the same N endpoints as pre-generated source (`include!`, no macro).
# Dependencies are built first and not timed; each case is built 3 times (touching src/lib.rs,
# no incremental cache) and the median printed. macro(N) - include(N) ~ macro expansion time.
#
#   bench/scripts/build-time.sh [N]
#
# Uses $CARGO_TARGET_DIR (default target/) for the release build of gen-config and
# $CARGO_TARGET_DIR/build-time/ for the crate, so later runs reuse its dependencies.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
N=${1:-1000}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
CRATE=$TARGET/build-time/crate
export CARGO_INCREMENTAL=0

log() { printf '==> %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }

log "building gen-config (release)"
cargo build --release --quiet -p amplify-rest-bench --bin gen-config
GEN=$TARGET/release/gen-config

mkdir -p "$CRATE/src"
cat >"$CRATE/Cargo.toml" <<TOML
[package]
name = "amplify-rest-build-time"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
amplify-rest = { path = "$ROOT/runtime", features = ["macros"] }

# Not part of any workspace.
[workspace]
TOML
cp "$ROOT/Cargo.lock" "$CRATE/Cargo.lock"

MACRO_LIB='#[amplify_rest::amplify_rest(config = "config.json")]
pub mod api {}'
INCLUDE_LIB='pub mod api {
    include!("generated.rs");
}'

# Sets up one case: $1 = macro|include, $2 = endpoints.
setup() {
  "$GEN" "$2" >"$CRATE/config.json"
  if [[ $1 == macro ]]; then
    printf '%s\n' "$MACRO_LIB" >"$CRATE/src/lib.rs"
  else
    "$GEN" "$2" --source >"$CRATE/src/generated.rs"
    printf '%s\n' "$INCLUDE_LIB" >"$CRATE/src/lib.rs"
  fi
}

build() {
  (cd "$CRATE" && CARGO_TARGET_DIR=$TARGET/build-time/target cargo build --quiet --offline 2>&1) \
    || (cd "$CRATE" && CARGO_TARGET_DIR=$TARGET/build-time/target cargo build --quiet)
}

log "building the crate's dependencies (not timed)"
setup macro 10
start=$(now_ms)
build
log "dependencies built in $(( ($(now_ms) - start) / 1000 )) s"

# Prints the median of 3 timed builds of the current case, in ms.
time_case() {
  local times=() i start
  for i in 1 2 3; do
    touch "$CRATE/src/lib.rs"
    start=$(now_ms)
    build
    times+=($(( $(now_ms) - start )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}

lines=$("$GEN" "$N" --source | wc -l)
echo "| case | cargo build (dev), median of 3 |"
echo "|---|---:|"
for case in "macro 10" "macro $N" "include $N"; do
  set -- $case
  log "timing: $1, $2 endpoints"
  setup "$1" "$2"
  ms=$(time_case)
  case $1 in
    macro) what="macro over $2 endpoints" ;;
    include) what="pre-generated source of $2 endpoints ($lines lines), no macro" ;;
  esac
  echo "| $what | $ms ms |"
done

# The macro's own share, from rustc itself: `-Z time-passes` (RUSTC_BOOTSTRAP=1, this script
# only) prints the time of `expand_crate` (all macro expansion: our attribute macro and the
# `derive`s of the items, which the pre-generated case expands too) and of the whole compilation.
expansion() {
  touch "$CRATE/src/lib.rs"
  (cd "$CRATE" && RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$TARGET/build-time/target \
    cargo rustc --quiet --offline --lib -- -Z time-passes 2>&1) |
    awk '$1 == "time:" && $NF == "expand_crate" { e = $2 } $1 == "time:" && $NF == "total" { t = $2 } END { printf "%.0f ms | %.0f ms", e * 1000, t * 1000 }'
}
echo
echo "| case | rustc expand_crate (all macro expansion, derives included) | rustc total |"
echo "|---|---:|---:|"
for case in "macro 10" "macro $N" "include $N"; do
  set -- $case
  log "rustc -Z time-passes: $1, $2 endpoints"
  setup "$1" "$2"
  echo "| $1, $2 endpoints | $(expansion) |"
done
