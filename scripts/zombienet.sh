#!/usr/bin/env bash
# Start zkSettle's relay-chain network (zombienet/network.toml: rococo-local with two
# validators, two zkSettle collators for para 2042) and run its tests
# (zombienet/0001-parachain.zndsl: registration, blocks and finality, the end-to-end suites
# through a collator, the settlement agents killed and restarted mid-stream, a collator restart,
# clean logs). Everything it started is stopped on exit, also on failure.
#
# ./scripts/zombienet.sh upgrade: the runtime-upgrade rehearsal instead
# (zombienet/0002-upgrade.zndsl): the network starts from the local spec of an earlier release
# (ZKSETTLE_DEPLOYED_RELEASE, a commit; spec_version 5 by default) and e2e/upgrade.ts upgrades it
# to the current runtime through governance.
#
# ./scripts/zombienet.sh native: the settlement pallet's native level (zombienet/0003-native.zndsl
# on zombienet/network-native.toml): a second zkSettle parachain (para 2043, its own domain) with
# HRMP channels both ways; orders settled over XCM with no agent, the aggregated level with agents,
# forged native messages refused, a channel closed and reopened (e2e/native.ts).
#
# First run: builds the relay binaries once (scripts/relay-binaries.sh, long: see the README).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zksettle-target}"

./scripts/setup.sh
if [ ! -d zombienet/node_modules ] || [ zombienet/package-lock.json -nt zombienet/node_modules/.package-lock.json ]; then
	(cd zombienet && npm ci --no-audit --no-fund)
fi
relay_bin="$(./scripts/relay-binaries.sh)"
cargo build --locked --release -p zksettle-node
# Separately: built together, Cargo would unify the wallet's features into the node's dependency
# graph and rebuild much of the SDK.
cargo build --locked --release -p zksettle-wallet -p zksettle-agent
export PATH="$relay_bin:$CARGO_TARGET_DIR/release:$PATH"
for b in polkadot polkadot-prepare-worker polkadot-execute-worker zksettle-node; do
	command -v "$b" >/dev/null || { echo "missing $b" >&2; exit 1; }
done

work="$(mktemp -d /var/tmp/zksettle-zombienet.XXXXXX)"
test=0001-parachain.zndsl
export ZKSETTLE_PARA_SPEC="../chain-specs/local.plain.json"
if [ "${1:-}" = upgrade ]; then
	# c3de715: the chain specs of spec_version 5 (settlement storage version 2, before the refunds
	# attested by the destination), the release a live chain would be upgraded from.
	release="${ZKSETTLE_DEPLOYED_RELEASE:-c3de715}"
	git show "$release:chain-specs/local.plain.json" >"$work/deployed.plain.json"
	export ZKSETTLE_PARA_SPEC="$work/deployed.plain.json"
	test=0002-upgrade.zndsl
elif [ "${1:-}" = native ]; then
	test=0003-native.zndsl
elif [ -n "${1:-}" ]; then
	echo "unknown network test ${1} (have: upgrade, native; none: the main suite)" >&2
	exit 2
fi
# zombienet and every node it spawns run in their own process group, killed as a whole on exit.
# From zombienet/: zombienet resolves the paths in network.toml (the chain spec) from its working
# directory, not from the file.
(cd zombienet && exec setsid npx zombienet --provider native --dir "$work/network" test "$test") &
group=$!
cleanup() {
	kill -TERM -- "-$group" 2>/dev/null || true
	sleep 2
	kill -KILL -- "-$group" 2>/dev/null || true
	echo "network files and logs: $work/network" >&2
}
trap cleanup EXIT
wait "$group"
