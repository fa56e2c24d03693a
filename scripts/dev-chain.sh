#!/usr/bin/env bash
# Set up the machine, build the collator and start a development chain that Polkadot.js apps can
# connect to at ws://127.0.0.1:9944 (one collator, Alice; a block every 3 s by default; state in a
# temporary directory, gone when the node stops). Extra arguments go to the node, for example
#   scripts/dev-chain.sh --dev-block-time 1000
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zksettle-target}"

./scripts/setup.sh
cargo build --locked --release -p zksettle-node
exec "$CARGO_TARGET_DIR/release/zksettle-node" --dev --rpc-port 9944 "$@"
