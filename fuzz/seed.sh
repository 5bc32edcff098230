#!/usr/bin/env bash
# Fills fuzz/corpus/{sip,sdp} with the seed inputs: the RFC 4475 torture messages from
# ../shared/testdata, the real SDP offers of core/tests/data/sdp, and fuzz/seeds/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
shared=${SHARED:-$(cd "$root/../shared" && pwd)}
mkdir -p "$here/corpus/sip" "$here/corpus/sdp"
cp "$shared"/testdata/rfc4475/*.dat "$here/corpus/sip/"
cp "$here"/seeds/sip/* "$here/corpus/sip/"
cp "$root"/core/tests/data/sdp/*.sdp "$here/corpus/sdp/"
# The SDP bodies of the SIP seeds are SDP seeds too.
for f in "$shared"/testdata/rfc4475/*.dat "$here"/seeds/sip/*; do
    python3 - "$f" "$here/corpus/sdp/body_$(basename "$f")" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
for sep in (b"\r\n\r\n", b"\n\n"):
    if sep in data:
        body = data.split(sep, 1)[1]
        if body.startswith(b"v=0"):
            open(sys.argv[2], "wb").write(body)
        break
PY
done
echo "corpus sizes: sip: $(ls "$here/corpus/sip" | wc -l) seeds, sdp: $(ls "$here/corpus/sdp" | wc -l) seeds"
mkdir -p "$here/corpus/endpoint"
python3 "$here/seeds/endpoint_scripts.py" "$here/corpus/endpoint"
echo "endpoint: $(ls "$here/corpus/endpoint" | wc -l) seeds"
