#!/usr/bin/env bash
# A reproducible build of the runtime's wasm, the way srtool makes one, for runtime upgrades:
# the same code hash from any checkout, so that governance can rebuild a proposed upgrade and
# compare it with what it is asked to authorize.
#
#   ./scripts/build-runtime.sh [--fresh] [REV]      (default HEAD)
#
# --fresh compiles the wasm and every crate in it again (the build's wasm target directory is
# removed first): what to run when checking that a build reproduces, rather than reusing the
# artifacts of the last one.
#
# The tree committed at REV (git archive: nothing untracked, nothing modified) is unpacked at a
# fixed path and built there, into a target directory of its own, with the locked dependencies,
# the toolchain rust-toolchain.toml names, and the `metadata-hash` feature (CheckMetadataHash,
# which offline signers need). Where the checkout is, who runs it and what else was built do
# not enter the build: only the commit, the toolchain and the crates.io sources do.
#
# Prints the commit, the wasm's path, its size, and its blake2-256 hash: the code hash
# `system.authorize_upgrade` takes (and `parachainSystem` checks on enactment). Copy the wasm
# out before the next run: the fixed path is reused.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fresh=0
if [ "${1:-}" = --fresh ]; then
	fresh=1
	shift
fi
rev="${1:-HEAD}"
commit="$(git -C "$root" rev-parse --verify "$rev^{commit}")"
work="${ZKSETTLE_RUNTIME_BUILD_DIR:-/var/tmp/zksettle-runtime-build}"
src="$work/src"

rm -rf "$src"
mkdir -p "$src"
git -C "$root" archive --format=tar "$commit" | tar -x -C "$src"
# Every file the same time stamp (the commit's), so nothing depends on when it was unpacked.
stamp="$(git -C "$root" show -s --format=%ct "$commit")"
find "$src" -exec touch -h -d "@$stamp" {} +

cd "$src"
export CARGO_TARGET_DIR="$work/target"
if [ "$fresh" = 1 ]; then
	rm -rf "$CARGO_TARGET_DIR/debug/wbuild"
fi
# The crates.io sources' location (the user's cargo home) must not enter panic messages.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
export WASM_BUILD_RUSTFLAGS="--remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$src=/build"
# C compilers read SOURCE_DATE_EPOCH, so `cc`'s build scripts (wasm-opt's, zstd's, …) run again
# whenever it changes, and everything above them with them: a constant keeps consecutive builds
# incremental (the wasm does not depend on it: 18ff58e and 2a3baa0, built under their own commit
# times, gave the same bytes).
export SOURCE_DATE_EPOCH=1700000000 WASM_BUILD_TYPE=release
unset SKIP_WASM_BUILD WASM_TARGET_DIRECTORY
# `check` runs the runtime's build script (which builds the wasm, optimised) without compiling the
# native runtime.
cargo check --locked -p zksettle-runtime --features metadata-hash >&2

wasm="$CARGO_TARGET_DIR/debug/wbuild/zksettle-runtime/zksettle_runtime.compact.compressed.wasm"
hash="$(python3 -c 'import hashlib,sys; print("0x" + hashlib.blake2b(open(sys.argv[1], "rb").read(), digest_size=32).hexdigest())' "$wasm")"
echo "commit    $commit"
echo "wasm      $wasm"
echo "size      $(stat -c %s "$wasm") bytes"
echo "code hash $hash (blake2-256)"
