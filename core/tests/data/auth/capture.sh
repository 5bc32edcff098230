#!/usr/bin/env bash
# Re-captures sipp-3.6.1.tsv's Authorization values: a tiny UDP UAS (capture_uas.py) answers the
# first INVITE with the DigestServer challenges and prints the Authorization of the second; SIPp
# runs capture_uac.xml. Everything stays on 127.0.0.1 inside a private network namespace (root).
# Usage: capture.sh -au alice -ap secret [-auth_uri service@127.0.0.1:5070]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd); W=$(mktemp -d /tmp/authcap.XXXX); cd "$W"
timeout -k 3 60 unshare -n bash -c '
  ip link set lo up
  timeout -k 2 20 python3 "$0/capture_uas.py" > uas.out 2>&1 & P=$!
  sleep 1
  timeout -k 2 15 sipp 127.0.0.1:5070 -sf "$0/capture_uac.xml" -s service -i 127.0.0.1 -p 5071 \
    -m 1 -nostdin "${@}" > uac.out 2>&1 || true
  wait $P' "$HERE" "$@"
grep '^AUTH ' "$W/uas.out" | cut -c6-
