#!/usr/bin/env bash
# One-time, idempotent machine setup for zkSettle. Safe to run again: every step checks first.
#   - Rust toolchain, targets and rust-src named in rust-toolchain.toml
#   - Debian packages the SDK build needs (protoc for litep2p, clang/libclang for RocksDB bindings; clang also compiles
#     `blst` to wasm for the benchmark runtime, where it is measured beside our pairing)
#   - npm dependencies of the end-to-end tests, when they exist
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }

# --- Rust -------------------------------------------------------------------------------------
if ! command -v rustup >/dev/null 2>&1; then
	echo "rustup is required (https://rustup.rs); install it and run this script again" >&2
	exit 1
fi
# rustup reads rust-toolchain.toml; `rustup show active-toolchain` installs what it names when missing
# (rustup >= 1.28 no longer does so implicitly for every command).
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
for target in wasm32v1-none wasm32-unknown-unknown; do
	if ! rustup target list --installed | grep -qx "$target"; then
		log "adding Rust target $target"
		rustup target add "$target"
	fi
done
if ! rustup component list --installed | grep -q '^rust-src'; then
	log "adding Rust component rust-src"
	rustup component add rust-src
fi

# --- Debian packages --------------------------------------------------------------------------
need=()
command -v protoc >/dev/null 2>&1 || need+=(protobuf-compiler)
command -v clang >/dev/null 2>&1 || need+=(clang)
# Node.js (>= 18) for the end-to-end tests and zombienet.
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
# bindgen (RocksDB bindings) loads the unversioned `libclang.so` / `libclang-N.so` that only the
# -dev package installs; the runtime `libclang1-N` package has just `libclang.so.1`.
have_libclang=
for lib in /usr/lib/llvm-*/lib/libclang.so /usr/lib/llvm-*/lib/libclang-*.so /usr/lib/*/libclang.so; do
	[ -e "$lib" ] && have_libclang=1
done
[ -n "$have_libclang" ] || need+=(libclang-dev)
if [ "${#need[@]}" -gt 0 ]; then
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "missing system packages (${need[*]}) and no apt-get: install them by hand" >&2
		exit 1
	fi
	sudo_cmd=()
	[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
	log "installing ${need[*]}"
	"${sudo_cmd[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
fi

# --- npm (end-to-end tests) -------------------------------------------------------------------
for dir in e2e; do
	# Again when the lock file changed since the last install (npm records it in node_modules).
	if [ -f "$dir/package.json" ] && { [ ! -d "$dir/node_modules" ] ||
		[ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; }; then
		log "installing npm dependencies in $dir"
		(cd "$dir" && npm ci --no-audit --no-fund)
	fi
done

log "ok"
