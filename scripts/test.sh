#!/usr/bin/env bash
# Set up the machine (idempotent) and run every test CI runs. Usage: ./scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zksettle-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

./scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }
start=$(date +%s)

step "zk-verifier: no_std verifier builds for wasm32v1-none (what the runtime embeds)"
cargo build -p zk-verifier --no-default-features --target wasm32v1-none --release

step "zk-verifier: unit, property and cross-check tests (prover feature)"
cargo test -p zk-verifier --features prover

step "pallets: mock-runtime tests with real proofs, benchmark tests, fixture reproducibility"
SKIP_WASM_BUILD=1 cargo test -p pallet-shielded-pool --features runtime-benchmarks

step "settlement: Hyperlane vectors, mailbox, ISMs and intents in a mock runtime, benchmark tests"
SKIP_WASM_BUILD=1 cargo test -p pallet-settlement --features runtime-benchmarks

step "client, wallet and agent: node connection, keys, note encryption, keystore, scanning, signing, metadata (the dev-node tests show as ignored)"
SKIP_WASM_BUILD=1 cargo test -p zksettle-client -p zksettle-wallet -p zksettle-agent

node="${ZKSETTLE_NODE:-$CARGO_TARGET_DIR/release/zksettle-node}"
if [ -x "$node" ]; then
	step "wallet and agent against a dev node ($node): shield, send, scan, unshield; intents across two chains"
	ZKSETTLE_NODE="$node" SKIP_WASM_BUILD=1 cargo test -p zksettle-wallet -p zksettle-agent -- --ignored
else
	step "SKIPPED: the wallet's and the agent's dev-node tests (no $node; build it with cargo build --release -p zksettle-node or set ZKSETTLE_NODE)"
fi

step "e2e helpers: typecheck; Hyperlane bytes and validator signing against upstream vectors; Groth16 proof re-randomization; work stamps against the runtime crate's vectors"
(cd e2e && npx tsc --noEmit && npx tsx --test lib/hyperlane.test.ts lib/groth16.test.ts lib/stamp.test.ts)

step "try-runtime: the runtime with its migrations' pre/post checks and try_state compiles"
SKIP_WASM_BUILD=1 cargo check -p zksettle-runtime --features try-runtime

step "runtime: wasm build (wasm32v1-none), integration tests through the real runtime, spec staleness"
cargo build -p zksettle-runtime
cargo test -p zksettle-runtime

step "done in $(( $(date +%s) - start ))s"
