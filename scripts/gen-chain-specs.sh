#!/usr/bin/env bash
# Regenerate chain-specs/{dev,local}{,.plain}.json and chain-specs/runtime-sources.txt after a
# runtime change, with the SDK's chain-spec builder (`zksettle-node chain-spec-builder`, the
# `staging-chain-spec-builder` tool built into the omni node) from the runtime's named presets and
# a reproducible build of its wasm (scripts/build-runtime.sh: metadata-hash, the same code hash
# from any checkout).
#
# The staleness test (`cargo test -p zksettle-runtime --test chain_specs`, part of the test
# command) fails until this has been run after a runtime change.
#
# The wasm is built from the working tree's tracked files (a `git stash create` snapshot, which
# touches neither the index nor the stash list): a new runtime file must be `git add`ed first.
# Needs the node binary, any build of it (it only executes the wasm it is given): ZKSETTLE_NODE,
# else $CARGO_TARGET_DIR/release/zksettle-node, built when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zksettle-target}"
node="${ZKSETTLE_NODE:-$CARGO_TARGET_DIR/release/zksettle-node}"
[ -x "$node" ] || cargo build --locked --release -p zksettle-node

# What the wasm is compiled from (the roots runtime/tests/chain_specs.rs hashes).
sources=(rust-toolchain.toml .cargo zk-verifier pallets runtime Cargo.toml Cargo.lock)
untracked="$(git ls-files --others --exclude-standard -- "${sources[@]}")"
if [ -n "$untracked" ]; then
	printf 'untracked files would be left out of the runtime build; git add them first:\n%s\n' "$untracked" >&2
	exit 1
fi
rev="$(git stash create)"
rev="${rev:-HEAD}"

built="$(./scripts/build-runtime.sh "$rev")"
echo "$built"
wasm="$(sed -n 's/^wasm  *//p' <<<"$built")"
[ -f "$wasm" ] || { echo "build-runtime.sh named no wasm" >&2; exit 1; }

# Both networks: the relay chain and para id the omni node reads from the spec's extension, and
# the properties Polkadot.js apps and the wallet read.
para_id=2042
relay=rococo-local
properties=tokenSymbol=ZKS,tokenDecimals=12,ss58Format=42
spec() { # file name id chain-type preset
	"$node" chain-spec-builder -c "chain-specs/$1.plain.json" create -n "$2" -i "$3" -t "$4" \
		-p "$para_id" -c "$relay" --properties "$properties" -r "$wasm" named-preset "$5"
	"$node" chain-spec-builder -c "chain-specs/$1.json" convert-to-raw "chain-specs/$1.plain.json"
}
spec dev "zkSettle Development" zksettle_dev development development
spec local "zkSettle Local Testnet" zksettle_local local local_testnet

# Record what the code was built from, and check the specs against the presets run natively.
ZKSETTLE_BLESS_SOURCES=1 SKIP_WASM_BUILD=1 cargo test -p zksettle-runtime --test chain_specs
ls -l chain-specs/
