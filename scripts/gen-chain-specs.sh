#!/usr/bin/env bash
# Regenerate chain-specs/{dev,local}{,.plain}.json and chain-specs/runtime-sources.txt from the
# runtime's presets and a fresh build of its wasm (with the metadata hash, for hardware wallets).
# The staleness test (`cargo test -p zksettle-runtime --test chain_specs`, part of the test
# command) fails until this has been run after a runtime change.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zksettle-target}"
ZKSETTLE_BLESS_SPECS=1 cargo test -p zksettle-runtime --features metadata-hash --test chain_specs
ls -l chain-specs/
