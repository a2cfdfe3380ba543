#!/usr/bin/env bash
# The generator's figures for RESULTS.md (run from the repository root after
# `swift build -c release --product tihua`):
#   1. constrained vs free decoding on the real-size random GPT-2 (tihua bench gpt2);
#   2. training throughput against sgemm, in the same process (tihua bench train);
#   3. the shipped model on held-out poems: cross-entropy, perplexity, keyword use,
#      16-candidate time, ten poems (tihua generator eval);
#   4. the character trigram baselines on the same held-out tokens
#      (Tools/bench/generator_baseline.py, which reads the training folder).
# TRAINING defaults to Training/generator (the folder of the run that made the model).
set -euo pipefail
cd "$(dirname "$0")/../.."
tihua=.build/release/tihua
training=${TRAINING:-Training/generator}
model=Samples/models/gpt2-poem
corpora=(../shared/data/ccpc/ccpc_test_v1.0.json ../shared/data/chinese-poetry/quan_tang_shi)
[ -d "${corpora[1]}" ] || corpora=(Samples/ccpc/ccpc_test_v1.0.json Samples/chinese-poetry)

echo "== bench gpt2 (12 × 768 random, constrained vs free)"
$tihua bench gpt2
echo "== bench train (4 × 256, the shipped size; and neighbours)"
$tihua bench train --sizes 4x256 6x256 4x384 --steps 10
echo "== generator eval ($model, held-out poems of ${corpora[*]})"
$tihua generator eval --lm "$model" --corpus "${corpora[@]}" --json
echo "== trigram baselines ($training)"
python3 Tools/bench/generator_baseline.py "$training"
