#!/usr/bin/env bash
# Benchmark zkSettle's pallets in the real runtime (wasm, compiled execution) and write their
# weights.rs from the results. Needs the node binary (./scripts/dev-chain.sh builds it, or
# `cargo build --release -p zksettle-node`); ZKSETTLE_NODE names another one (the node only
# executes the wasm given to it, so any build of it will do). Afterwards run
# ./scripts/gen-chain-specs.sh: the weights are compiled into the runtime.
#
# Usage: ./scripts/bench-pallets.sh [pallet_shielded_pool|pallet_settlement ...]
# STEPS and REPEAT override the sampling (default 50 and 20).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zksettle-target}"
node="${ZKSETTLE_NODE:-$CARGO_TARGET_DIR/release/zksettle-node}"
[ -x "$node" ] || { echo "missing $node: build it with cargo build --release -p zksettle-node" >&2; exit 1; }

# A runtime wasm with the benchmarks compiled in (the outer crate is built in debug: only the
# wasm matters, and the wasm builder always builds it in release).
cargo build -p zksettle-runtime --features runtime-benchmarks
wasm="$CARGO_TARGET_DIR/debug/wbuild/zksettle-runtime/zksettle_runtime.wasm"

pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_shielded_pool pallet_settlement)
for pallet in "${pallets[@]}"; do
	dir="pallets/$(echo "${pallet#pallet_}" | tr _ -)"
	[ -d "$dir" ] || { echo "unknown pallet $pallet" >&2; exit 1; }
	"$node" benchmark pallet \
		--runtime "$wasm" \
		--genesis-builder-preset development \
		--pallet "$pallet" --extrinsic '*' \
		--steps "${STEPS:-50}" --repeat "${REPEAT:-20}" \
		--wasm-execution compiled \
		--template scripts/weight-template.hbs \
		--output "$dir/src/weights.rs"
done
