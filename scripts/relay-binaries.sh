#!/usr/bin/env bash
# Build the relay-chain binaries zombienet needs (polkadot, polkadot-prepare-worker,
# polkadot-execute-worker) from crates.io, once, into a cache directory outside the work tree.
# Prints the directory holding them. The version is the polkadot release of polkadot-sdk
# stable2609, the one our Cargo.lock pins (polkadot-cli/polkadot-service 42).
#
# Built with `fast-runtime`: rococo-local's sessions last 1 minute instead of 1 hour. What the
# relay chain changes for a parachain takes effect at a session boundary: an HRMP channel closed
# or opened (the `native` suite closes one and reopens it), a core assigned (elastic scaling). With
# hour-long sessions no test could wait for them. The polkadot-sdk's own zombienet tests run
# their relay this way.
#
# One-time cost on the 2-core reference machine: see the README (zombienet section).
set -euo pipefail
cd "$(dirname "$0")/.."
POLKADOT_VERSION="${POLKADOT_VERSION:-41.0.0}"
cache="${ZKSETTLE_CACHE:-/var/tmp/zksettle-cache}/polkadot-$POLKADOT_VERSION-fast-runtime"
bins=(polkadot polkadot-prepare-worker polkadot-execute-worker)

have_all() { for b in "${bins[@]}"; do [ -x "$cache/bin/$b" ] || return 1; done; }
if ! have_all; then
	./scripts/setup.sh >&2
	# The relay node also links OpenSSL (through its networking stack): headers and pkg-config.
	if ! { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists openssl; }; then
		sudo_cmd=()
		[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
		echo "installing libssl-dev pkg-config" >&2
		"${sudo_cmd[@]}" apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq libssl-dev pkg-config >&2
	fi
	echo "building polkadot $POLKADOT_VERSION into $cache (once; long on 2 cores)" >&2
	# Its own target dir: the relay build shares nothing useful with ours at these features, and
	# keeping it apart lets `cargo install` clean up after itself.
	CARGO_TARGET_DIR="${ZKSETTLE_CACHE:-/var/tmp/zksettle-cache}/polkadot-target" \
		cargo install --locked --features fast-runtime --root "$cache" "polkadot@$POLKADOT_VERSION" >&2
	have_all || { echo "polkadot $POLKADOT_VERSION did not install all of: ${bins[*]}" >&2; exit 1; }
fi
echo "$cache/bin"
