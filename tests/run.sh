#!/usr/bin/env bash
# Runs every test of sipvoice: unit, property, snapshot, simulator and interop tests, and
# the load smoke against a release build. Installs the real peers the interop tests drive
# (SIPp, baresip, Kamailio, tshark, spandsp, ffmpeg, sox) with apt-get when they are
# missing, so a fresh Debian 12 machine with Rust needs nothing else. Idempotent.
# All test traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(sip-tester baresip kamailio tshark libspandsp-dev ffmpeg sox gcc libcap2-bin)

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        echo "error: need root or sudo to install: ${APT_PACKAGES[*]}" >&2
        return 1
    fi
}

missing_packages() {
    local p
    for p in "${APT_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            echo "$p"
        fi
    done
}

echo "== peers"
if command -v dpkg-query >/dev/null 2>&1; then
    mapfile -t missing < <(missing_packages)
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "installing: ${missing[*]}"
        # tshark asks whether non-root users may capture; answer it before installing.
        echo "wireshark-common wireshark-common/install-setuid boolean false" |
            as_root debconf-set-selections
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
    else
        echo "all installed: ${APT_PACKAGES[*]}"
    fi
else
    echo "warning: not a Debian system; the interop tests need: ${APT_PACKAGES[*]}" >&2
fi

# SIPp plays RTP pcaps through a raw socket: without root it needs CAP_NET_RAW.
if [ "$(id -u)" != 0 ] && command -v sipp >/dev/null 2>&1; then
    sipp_bin=$(command -v sipp)
    if ! /sbin/getcap "$sipp_bin" 2>/dev/null | grep -q cap_net_raw; then
        as_root /sbin/setcap cap_net_raw+ep "$sipp_bin"
    fi
fi

# A missing peer is a failure, not a skip.
export SIPVOICE_REQUIRE_PEERS=1

echo "== the sipvoice binary (release) for the interop tests"
cargo build --release -p sipvoice-tokio --bin sipvoice
SIPVOICE_BIN="$(pwd)/target/release/sipvoice"
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
    SIPVOICE_BIN="$CARGO_TARGET_DIR/release/sipvoice"
fi
export SIPVOICE_BIN

echo "== tests"
cargo test --workspace

echo "== load smoke: 200 G.722 calls at 20 calls/s with RTP both ways, on its own"
cargo test -p sipvoice-tests --test interop_sipp -- --ignored --test-threads 1 load_200
