"""Writes real-size model folders with random weights for `tihua bench open`
and `tihua bench encode --model` (not committed: 2.4 GB in all).

    python Tools/bench/make_real_size_checkpoints.py /tmp/tihua-bench

needs torch (CPU), transformers and safetensors:
    pip install "torch==2.13.0+cpu" transformers safetensors

Folders:
  clip-bin/          OFA-Sys/chinese-clip-vit-base-patch16's layout as its main branch ships it:
                     config.json, preprocessor_config.json, vocab.txt and a 753 MB torch zip
                     pytorch_model.bin (float32 weights plus the int64 position_ids buffers)
  clip-safetensors/  the same weights as model.safetensors (the buffers left out)
  gpt2-bin/          uer/gpt2-chinese-poem's layout: vocab_size 22557 (its own vocab.txt:
                     the BERT vocabulary plus 1,429 more characters), 12 x 768, 1024 positions,
                     gelu_new, a 425 MB torch zip pytorch_model.bin with lm_head.weight tied to
                     transformer.wte.weight and the uint8 attn.bias / float attn.masked_bias
                     buffers older transformers saved
  gpt2-legacy/       the same in the pre-1.6 format (_use_new_zipfile_serialization=False)
  clip-f16-bin/      clip-bin's weights as float16 (376 MB; converted to float32 on load)
"""
import json
import os
import sys

import torch
from safetensors.torch import save_file
from transformers import ChineseCLIPConfig, ChineseCLIPModel, GPT2Config, GPT2LMHeadModel

root = sys.argv[1] if len(sys.argv) > 1 else "/tmp/tihua-bench"
here = os.path.dirname(os.path.abspath(__file__))
vocab = os.path.join(here, "..", "..", "Tests", "TihuaModelsTests", "Fixtures", "vocab.txt")
bert = open(vocab, encoding="utf-8").read().rstrip("\n").split("\n")
torch.manual_seed(0)


def folder(name):
    path = os.path.join(root, name)
    os.makedirs(path, exist_ok=True)
    return path


# ---- Chinese-CLIP ViT-B/16 (the published config's sizes)
config = ChineseCLIPConfig(
    text_config=dict(vocab_size=21128, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                     intermediate_size=3072, max_position_embeddings=512, type_vocab_size=2),
    vision_config=dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                       image_size=224, patch_size=16, projection_dim=512),
    projection_dim=512)
model = ChineseCLIPModel(config).eval()
state = model.state_dict()
# Older transformers saved the position_ids buffers (int64); the real file has them.
state["text_model.embeddings.position_ids"] = torch.arange(512).unsqueeze(0)
state["vision_model.embeddings.position_ids"] = torch.arange(197).unsqueeze(0)
preprocessor = {
    "crop_size": 224, "do_center_crop": False, "do_normalize": True, "do_resize": True,
    "feature_extractor_type": "ChineseCLIPFeatureExtractor",
    "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
    "resample": 3, "size": {"height": 224, "width": 224},
}
for name in ("clip-bin", "clip-safetensors"):
    path = folder(name)
    config.save_pretrained(path)
    with open(os.path.join(path, "preprocessor_config.json"), "w") as f:
        json.dump(preprocessor, f, indent=2)
    with open(os.path.join(path, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(bert) + "\n")
torch.save(state, os.path.join(root, "clip-bin", "pytorch_model.bin"))
save_file({k: v.contiguous() for k, v in state.items() if not k.endswith("position_ids")},
          os.path.join(root, "clip-safetensors", "model.safetensors"))
del model, state

# ---- uer/gpt2-chinese-poem's layout
extra = [chr(c) for c in range(0x4E00, 0x9FA6) if chr(c) not in set(bert)][:22557 - len(bert)]
uer_vocab = bert + extra
assert len(uer_vocab) == 22557
gconfig = GPT2Config(vocab_size=22557, n_positions=1024, n_ctx=1024, n_embd=768, n_layer=12, n_head=12,
                     activation_function="gelu_new", tie_word_embeddings=True)
gpt2 = GPT2LMHeadModel(gconfig).eval()
state = {k: v for k, v in gpt2.state_dict().items()}
state["lm_head.weight"] = state["transformer.wte.weight"]  # one storage, two names
mask = torch.tril(torch.ones(1024, 1024, dtype=torch.uint8)).view(1, 1, 1024, 1024)
for layer in range(12):
    state[f"transformer.h.{layer}.attn.bias"] = mask.clone()
    state[f"transformer.h.{layer}.attn.masked_bias"] = torch.tensor(-1e4)
for name, legacy in (("gpt2-bin", False), ("gpt2-legacy", True)):
    path = folder(name)
    gconfig.save_pretrained(path)
    with open(os.path.join(path, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(uer_vocab) + "\n")
    torch.save(state, os.path.join(path, "pytorch_model.bin"), _use_new_zipfile_serialization=not legacy)
# ---- float16 copy of the CLIP checkpoint
path = folder("clip-f16-bin")
for f in ("config.json", "preprocessor_config.json", "vocab.txt"):
    with open(os.path.join(root, "clip-bin", f), "rb") as src, open(os.path.join(path, f), "wb") as dst:
        dst.write(src.read())
clip_state = torch.load(os.path.join(root, "clip-bin", "pytorch_model.bin"), mmap=True, weights_only=True)
torch.save({k: (v.half() if v.is_floating_point() else v) for k, v in clip_state.items()},
           os.path.join(path, "pytorch_model.bin"))
for name in ("clip-bin", "clip-safetensors", "gpt2-bin", "gpt2-legacy", "clip-f16-bin"):
    for f in sorted(os.listdir(os.path.join(root, name))):
        print(name, f, os.path.getsize(os.path.join(root, name, f)))
