#!/usr/bin/env bash
# Load test of `tihua serve` with wrk on loopback, each configuration next to
# the same façade call made in-process (`tihua bench facade`), interleaved.
#
#   Tools/bench/serve_bench.sh            # needs wrk (apt-get install wrk) and numpy
#   DURATION=5s SCRATCH=.build-release Tools/bench/serve_bench.sh
#   REUSE=1 PARTS=small BUILD=0 Tools/bench/serve_bench.sh  # the last run's indexes and binary; tiny-CLIP rows only
#
# 1. /v1/search with one 512-d vector over 100,000 random vectors (exact scan);
# 2. /v1/poems with a text, and /knn-service with the same text (tiny CLIP,
#    9,976 CCPC poems, IVF 64 lists): the model gate and the JSON path;
# 3. /v1/poems with a photo (base64 JSON) on a real-size random-weight
#    ViT-B/16 + BERT-base, against `tihua bench encode`'s images/s.
# Each at 1, 2 and 8 connections. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10s}
PHOTO_DURATION=${PHOTO_DURATION:-30s}  # photo rows: a pass of 8 takes about 3 s
BIG_POEMS=${BIG_POEMS:-500}  # poems embedded with the real-size model
work=${TMPDIR:-/tmp}/tihua-serve-bench
scratch=${SCRATCH:-.build}
[ "${BUILD:-1}" = 0 ] || swift build -c release --product tihua --scratch-path "$scratch" >&2
bin=$scratch/release/tihua
PARTS=${PARTS:-"small big"}  # small: search, poems, knn rows; big: the ViT-B/16 photo rows
if [ "${REUSE:-0}" = 1 ] && [ -f "$work/done" ]; then
    echo "## reusing the indexes in $work" >&2
else
rm -rf "$work"; mkdir -p "$work"
echo "## building the indexes in $work" >&2
$bin import poems --index "$work/small" Samples/ccpc/ccpc_test_v1.0.json --json >&2
$bin import keywords --index "$work/small" Samples/ccpc/keywords.txt --json >&2
$bin embed --index "$work/small" --model Samples/models/clip-tiny --json >&2
$bin images add --index "$work/small" Samples/images --json >&2
$bin ivf build --index "$work/small" --collection poems --lists 64 --json >&2
python3 - "$work" <<'PY'
import json, sys
import numpy as np
work = sys.argv[1]
rng = np.random.default_rng(7)
np.save(f"{work}/vectors.npy", rng.standard_normal((100_000, 512), dtype=np.float32))
open(f"{work}/ids.txt", "w").write("".join(f"v{i}\n" for i in range(100_000)))
q = rng.standard_normal(512).astype(np.float32)
json.dump({"collection": "vectors", "vectors": [q.tolist()], "k": 10, "exact": True}, open(f"{work}/search.json", "w"))
# A small collection too: its scan is short, so the server's own cost shows.
np.save(f"{work}/vectors10k.npy", np.load(f"{work}/vectors.npy")[:10_000])
open(f"{work}/ids10k.txt", "w").write("".join(f"v{i}\n" for i in range(10_000)))
json.dump({"collection": "vectors10k", "vectors": [q.tolist()], "k": 10, "exact": True}, open(f"{work}/search10k.json", "w"))
json.dump({"text": "明月松间照", "k": 10}, open(f"{work}/poems.json", "w"))
json.dump({"text": "明月松间照", "modality": "text", "num_images": 10, "indice_name": "small"}, open(f"{work}/knn.json", "w"))
import base64
photo = base64.b64encode(open("Samples/images/pubu.jpg", "rb").read()).decode()
json.dump({"image": photo, "k": 10}, open(f"{work}/image.json", "w"))
PY
$bin import vectors --index "$work/small" --collection vectors --vectors "$work/vectors.npy" --ids "$work/ids.txt" --json >&2
$bin import vectors --index "$work/small" --collection vectors10k --vectors "$work/vectors10k.npy" --ids "$work/ids10k.txt" --json >&2
$bin bench random-model "$work/vit-b16"
head -n "$BIG_POEMS" Samples/ccpc/ccpc_test_v1.0.json > "$work/ccpc500.json"
$bin import poems --index "$work/big" "$work/ccpc500.json" --json >&2
$bin embed --index "$work/big" --model "$work/vit-b16" --json >&2
touch "$work/done"
fi

for name in search search10k poems knn image; do
    cat > "$work/$name.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/$name.json", "rb"); wrk.body = f:read("*a"); f:close()
LUA
done

serve() {  # index model → starts the server, sets $pid and $port
    local log="$work/serve.log"
    $bin serve --index "$1" --model "$2" --port 0 --queue 64 2>"$log" &
    pid=$!
    until grep -q "listening on" "$log" 2>/dev/null; do
        kill -0 $pid 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.2
    done
    port=$(grep -o "listening on http://[0-9.]*:[0-9]*" "$log" | sed 's/.*://')
}

wrk_row() {  # label path lua connections
    local out
    # wrk leaves answers slower than its timeout (2 s by default) out of the latency figures:
    # batched photo passes take longer than that.
    out=$(wrk -t "$(( $4 < 2 ? 1 : 2 ))" -c "$4" -d "$DURATION" --timeout 60s --latency -s "$work/$3.lua" "http://127.0.0.1:$port$2")
    local rps p50 p99 errors
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx/ {n += $5} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}')
    echo "| $1 | server (wrk) | $4 | $rps | $p50 | $p99 | ${errors:-0} |"
}

peer_row() {  # label index model route body concurrency requests
    local json
    json=$($bin bench facade --index "$2" --model "$3" --route "$4" --body "$work/$5.json" --concurrency "$6" --requests "$7" --json)
    python3 -c "import json,sys; r=json.loads(sys.argv[1]); print(f\"| $1 | in-process | $6 | {r['rps']:.1f} | {r['p50_ms']:.3f}ms | {r['p99_ms']:.3f}ms | 0 |\")" "$json"
}

memory() {  # label → the server's resident memory now and at its peak
    echo "memory of tihua serve ($1): $(awk '/VmRSS|VmHWM/ {printf "%s %.0f MiB  ", $1, $2/1024}' /proc/$pid/status)" >&2
}

echo "| request | side | connections | req/s | p50 | p99 | errors |"
echo "|---|---|---:|---:|---:|---:|---:|"
if [[ " $PARTS " == *" small "* ]]; then
serve "$work/small" Samples/models/clip-tiny
for c in 1 2 8; do
    wrk_row "/v1/search, 1 vector of 100k × 512" /v1/search search $c
    peer_row "/v1/search, 1 vector of 100k × 512" "$work/small" Samples/models/clip-tiny search search $c 2000
    wrk_row "/v1/search, 1 vector of 10k × 512" /v1/search search10k $c
    peer_row "/v1/search, 1 vector of 10k × 512" "$work/small" Samples/models/clip-tiny search search10k $c 4000
    wrk_row "/v1/poems, text (tiny CLIP)" /v1/poems poems $c
    peer_row "/v1/poems, text (tiny CLIP)" "$work/small" Samples/models/clip-tiny poems poems $c 4000
    wrk_row "/knn-service, text (tiny CLIP)" /knn-service knn $c
done
memory "tiny CLIP, 100k × 512 vectors"
kill -TERM $pid; wait $pid
fi
[[ " $PARTS " == *" big "* ]] || exit 0
serve "$work/big" "$work/vit-b16"
for c in 1 2 8; do
    DURATION=$PHOTO_DURATION wrk_row "/v1/poems, photo (ViT-B/16)" /v1/poems image $c
    peer_row "/v1/poems, photo (ViT-B/16)" "$work/big" "$work/vit-b16" poems image $c 24
done
memory "ViT-B/16 (random weights), $BIG_POEMS poems"
kill -TERM $pid; wait $pid
echo
echo "encoder alone (tihua bench encode, batches of 8):"
$bin bench encode --images 32 --texts 32 --skip-open --json
