#!/usr/bin/env bash
# Coverage-guided differential fuzzing of the verifier's own BLS12-381 arithmetic (consensus
# code: the runtime verifies proofs with it) against bls12_381 and num-bigint, with libFuzzer
# on stable Rust (the sancov instrumentation cargo-fuzz uses, without its nightly-only
# sanitizers; overflow checks and debug assertions on, so a lazy carry that overflows is found).
#
#   ./scripts/fuzz.sh [fp|decode|pairing|all] [seconds per target, default 600]
#
# Runs each target on its corpus (zk-verifier/fuzz/corpus/<target>), then minimises the corpus
# (libFuzzer -merge=1) so the repository keeps a small set that covers what the run reached;
# `cargo test -p zk-verifier` replays it. A disagreement stops the run and leaves the input in
# zk-verifier/fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../zk-verifier/fuzz"
targets="${1:-all}"
seconds="${2:-600}"
[ "$targets" = all ] && targets="fp decode pairing"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/zksettle-target}/fuzz"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps the instrumentation off build scripts and proc macros.
host="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release --locked --bins --target "$host"
for target in $targets; do
	bin="$CARGO_TARGET_DIR/$host/release/$target"
	mkdir -p "corpus/$target" "artifacts/$target"
	echo "== $target: ${seconds} s"
	"$bin" -max_total_time="$seconds" -max_len=1024 -print_final_stats=1 -artifact_prefix="artifacts/$target/" "corpus/$target"
	merged="$(mktemp -d)"
	"$bin" -merge=1 "$merged" "corpus/$target" 2>&1 | tail -1
	rm -rf "corpus/$target" && mv "$merged" "corpus/$target" && chmod 755 "corpus/$target"
	echo "== $target: $(ls "corpus/$target" | wc -l) inputs kept"
done
