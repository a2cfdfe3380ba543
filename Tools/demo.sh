#!/usr/bin/env bash
# The main job on the bundled sample: build; import the sample corpora and
# keyword vocabulary into Indexes/sample; embed them with Chinese-CLIP; then,
# for a bundled photo: image → keyword prefix → poems → a generated poem.
#
# The model is Models/chinese-clip-vit-base-patch16 when downloaded (see the
# README), else the bundled tiny random model, whose results are meaningless.
set -euo pipefail
cd "$(dirname "$0")/.."
Tools/install-deps.sh
swift build -c release --product tihua
tihua=.build/release/tihua
index=Indexes/sample
photo=Samples/images/pubu.jpg

model=Models/chinese-clip-vit-base-patch16
# Whichever weights the download holds: safetensors, pytorch_model.bin (the
# main branch ships only this one), or a sharded set.
has_weights() {
    for w in model.safetensors model.safetensors.index.json pytorch_model.bin pytorch_model.bin.index.json; do
        [ -f "$1/$w" ] && return 0
    done
    return 1
}
if [ -f "$model/config.json" ] && has_weights "$model"; then
    echo "== model: $model (embedding ~18k texts at real size takes several minutes; it resumes if interrupted)"
else
    model=Samples/models/clip-tiny
    echo "== model: $model — a TINY RANDOM test model: the pipeline runs end to end, but its"
    echo "   rankings and poems are meaningless. Download the real model for real results (README)."
fi

rm -rf "$index"
echo "== import"
$tihua import poems --index "$index" Samples/ccpc/ccpc_test_v1.0.json Samples/chinese-poetry
$tihua import keywords --index "$index" Samples/ccpc/keywords.txt
echo "== embed"
$tihua embed --index "$index" --model "$model"
$tihua images add --index "$index" Samples/images
$tihua stats --index "$index"
echo "== keywords for $photo (the generation prefix)"
$tihua keywords --index "$index" --image "$photo"
echo "== poems for $photo"
$tihua poems --index "$index" --image "$photo" --k 3
echo "== a cento (集句) for $photo"
$tihua generate --index "$index" --image "$photo"
echo "== a GPT-2 poem for $photo (the generator Tihua trained, Samples/models/gpt2-poem; constrained to the form)"
$tihua generate --index "$index" --image "$photo" --generator gpt2 --no-repeat --rhyme
echo "== a GPT-2 poem for the keywords 明月 故乡 (no image)"
$tihua generate --index "$index" --keywords 明月 故乡 --generator gpt2 --form 7x4
