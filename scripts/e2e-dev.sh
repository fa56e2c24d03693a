#!/usr/bin/env bash
# Build the node, start `zksettle-node --dev` on a spare port, and run the end-to-end suites
# (e2e/run.ts, @polkadot/api) against it: a Polkadot.js-style transfer, the settlement flow with
# Hyperlane-signed checkpoints, the shielded flow through the `zksettle` wallet CLI (real proofs),
# foreign assets (the relay token) shielded, relayed and unshielded to the reserve by the wallet,
# and the settlement agents (`zksettle-agent`) killed and restarted mid-stream. The node is
# stopped on exit, also on failure.
#
# Usage: ./scripts/e2e-dev.sh [suite ...]   (default: every suite)
#        ./scripts/e2e-dev.sh upgrade     (the runtime-upgrade rehearsal: the node starts from the
#                                          dev spec of the spec_version-5 release, see
#                                          ./scripts/zombienet.sh upgrade for the relay-chain one)
# ZKSETTLE_NODE, ZKSETTLE_WALLET_BIN and ZKSETTLE_AGENT_BIN name prebuilt binaries (then nothing
# is built).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zksettle-target}"
port="${E2E_RPC_PORT:-9955}"

./scripts/setup.sh
# Separately: built together, Cargo would unify the wallet's features into the node's dependency
# graph and rebuild much of the SDK.
[ -n "${ZKSETTLE_NODE:-}" ] || cargo build --locked --release -p zksettle-node
[ -n "${ZKSETTLE_WALLET_BIN:-}" ] || cargo build --locked --release -p zksettle-wallet
[ -n "${ZKSETTLE_AGENT_BIN:-}" ] || cargo build --locked --release -p zksettle-agent
node_bin="${ZKSETTLE_NODE:-$CARGO_TARGET_DIR/release/zksettle-node}"

base="$(mktemp -d)"
log="$base/node.log"
chain=()
if [ "${1:-}" = upgrade ]; then
	git show "${ZKSETTLE_DEPLOYED_RELEASE:-c3de715}:chain-specs/dev.json" >"$base/deployed.json"
	chain=(--chain "$base/deployed.json")
	export ZKSETTLE_UPGRADE_SPEC="$PWD/chain-specs/dev.plain.json"
fi
"$node_bin" --dev "${chain[@]}" --dev-block-time 1000 --base-path "$base/data" --rpc-port "$port" --no-prometheus \
	--no-telemetry >"$log" 2>&1 &
node_pid=$!
cleanup() {
	kill "$node_pid" 2>/dev/null || true
	wait "$node_pid" 2>/dev/null || true
	rm -rf "$base"
}
trap cleanup EXIT

for _ in $(seq 1 60); do
	if curl -sf -H 'Content-Type: application/json' -d '{"id":1,"jsonrpc":"2.0","method":"system_health"}' \
		"http://127.0.0.1:$port" >/dev/null 2>&1; then
		break
	fi
	if ! kill -0 "$node_pid" 2>/dev/null; then
		echo "the node exited:" >&2
		tail -n 40 "$log" >&2
		exit 1
	fi
	sleep 1
done

if ! (cd e2e && npx tsx run.ts --ws "ws://127.0.0.1:$port" "$@"); then
	echo "--- node log (last 60 lines) ---" >&2
	tail -n 60 "$log" >&2
	exit 1
fi
if grep -E ' (ERROR|Error) ' "$log" >&2; then
	echo "the node logged errors" >&2
	exit 1
fi
