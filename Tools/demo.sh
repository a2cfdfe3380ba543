#!/usr/bin/env bash
# The main job on the bundled sample: build, import the sample corpora and
# keyword vocabulary into Indexes/sample, and show the index.
set -euo pipefail
cd "$(dirname "$0")/.."
Tools/install-deps.sh
swift build -c release --product tihua
tihua=.build/release/tihua
index=Indexes/sample
rm -rf "$index"
$tihua import poems --index "$index" Samples/ccpc/ccpc_test_v1.0.json Samples/chinese-poetry
$tihua import keywords --index "$index" Samples/ccpc/keywords.txt
$tihua stats --index "$index"
