#!/usr/bin/env bash
# Benchmark the runtime's pallets in the real runtime (wasm, compiled execution) and write their
# weights from the results: zkSettle's pallets into their own weights.rs, the SDK pallets the
# runtime uses into runtime/src/weights/. Every pallet is run RUNS times (default 3) and each
# figure is the largest of the runs (scripts/max-weights.py): this machine's results swing by
# 30-50 % between runs, and a weight must hold on its slowest.
#
# Needs the node binary (./scripts/dev-chain.sh builds it, or `cargo build --release -p
# zksettle-node`); ZKSETTLE_NODE names another one (the node only executes the wasm given to it,
# so any build of it will do). Afterwards run ./scripts/gen-chain-specs.sh: the weights are
# compiled into the runtime.
#
# Usage: ./scripts/bench-pallets.sh [ours|system|all|<pallet> ...]   (default: all)
# STEPS, REPEAT and RUNS override the sampling (default 50, 20 and 3); MIN_DURATION the seconds
# each benchmark keeps repeating for at least (the CLI's --min-duration, default 10: about 15 s a
# benchmark here whatever its size, so an hour a run for the SDK pallets; a few seconds and three
# runs measure the swings between runs better than one long run).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zksettle-target}"
node="${ZKSETTLE_NODE:-$CARGO_TARGET_DIR/release/zksettle-node}"
[ -x "$node" ] || { echo "missing $node: build it with cargo build --release -p zksettle-node" >&2; exit 1; }

ours=(pallet_shielded_pool pallet_settlement)
system=(frame_system cumulus_pallet_parachain_system pallet_timestamp pallet_balances pallet_assets pallet_sudo
	pallet_utility pallet_multisig pallet_collator_selection
	pallet_message_queue cumulus_pallet_xcmp_queue pallet_xcm pallet_migrations pallet_session)
pallets=()
for arg in "${@:-all}"; do
	case "$arg" in
		ours) pallets+=("${ours[@]}") ;;
		system) pallets+=("${system[@]}") ;;
		all) pallets+=("${ours[@]}" "${system[@]}") ;;
		*) pallets+=("$arg") ;;
	esac
done

# A runtime wasm with the benchmarks compiled in (the outer crate is built in debug: only the
# wasm matters, and the wasm builder always builds it in release). BENCH_WASM names one built
# before (to go on with the same runtime after an interrupted run).
if [ -n "${BENCH_WASM:-}" ]; then
	wasm="$BENCH_WASM"
else
	cargo build -p zksettle-runtime --features runtime-benchmarks
	wasm="$CARGO_TARGET_DIR/debug/wbuild/zksettle-runtime/zksettle_runtime.wasm"
fi

runs="${RUNS:-3}"
work="$(mktemp -d)"
echo "runs kept in $work until every weight file is written"
for pallet in "${pallets[@]}"; do
	case " ${ours[*]} " in
		*" $pallet "*)
			dest="pallets/$(echo "${pallet#pallet_}" | tr _ -)/src"
			template=(--template scripts/weight-template.hbs) ;;
		*)
			dest="runtime/src/weights"
			template=(--template scripts/weight-template-sdk.hbs) ;;
	esac
	for run in $(seq "$runs"); do
		mkdir -p "$work/$pallet/$run"
		echo "== $pallet, run $run of $runs"
		"$node" benchmark pallet \
			--runtime "$wasm" \
			--genesis-builder-preset development \
			--pallet "$pallet" --extrinsic '*' \
			--steps "${STEPS:-50}" --repeat "${REPEAT:-20}" --min-duration "${MIN_DURATION:-10}" \
			--wasm-execution compiled \
			--header scripts/weight-header.txt \
			"${template[@]}" \
			--output "$work/$pallet/$run/"
	done
	# One file per pallet instance, named by the CLI (ours are renamed to weights.rs).
	for file in "$work/$pallet/1/"*.rs; do
		name="$(basename "$file")"
		case " ${ours[*]} " in *" $pallet "*) target="$dest/weights.rs" ;; *) target="$dest/$name" ;; esac
		python3 scripts/max-weights.py "$work/$pallet/"*/"$name" > "$work/$name.merged"
		sed "s|$work/$pallet/1/|$dest/|" "$work/$name.merged" > "$target"
		echo "wrote $target"
	done
done
rm -rf "$work"
