"""Makes the PyTorch checkpoint fixtures of TihuaModelsTests with real torch.save.

Run from this folder with torch (CPU) and transformers installed:
    pip install "torch==2.13.0+cpu" transformers pillow safetensors
    python make_torch_fixtures.py /work/shared/fixtures

It writes (all small):
- the three checkpoints of ../shared/fixtures/torch, copied as they are
  (clip-tiny.bin, gpt2-tiny.bin, gpt2-tiny-legacy.bin; they must load to the
  same values as Samples/models/*-tiny/model.safetensors);
- gpt2-micro/: a 2-layer GPT-2 (hidden 16, 310-token vocabulary of its own:
  the first 300 BERT tokens and 10 poem characters) whose every value is
  k/64 with |k| <= 127, so that float16, bfloat16, float32 and float64 hold
  it exactly. model.safetensors (float32) is the reference; each variant
  below must load to the same values (and so the same identity):
    f16.bin, bf16.bin, f64.bin        model.half()/bfloat16()/double() state dicts
    param.bin                         every value an nn.Parameter (_rebuild_parameter)
    state.bin                         tensors with a Python attribute (_rebuild_from_type_v2)
    noncontiguous.bin                 2-D weights stored transposed (strides (1, n))
    offsets.bin                       every tensor a view into one shared storage
    tied-buffers.bin                  lm_head.weight sharing wte's storage, uint8/bool attn.bias
                                      and float attn.masked_bias buffers (the uer layout)
    legacy.bin                        _use_new_zipfile_serialization=False
    renamed.bin                       saved as other.pt: the archive folder is "other"
    bigendian.bin                     byteorder "big" and byte-swapped storages (python zipfile)
    zip64.bin                         rewritten by python zipfile with ZIP64 extra fields
    sharded-torch/                    pytorch_model.bin.index.json + 2 .bin shards
    sharded-safetensors/              model.safetensors.index.json + 2 shards
    prompt_logits.safetensors         transformers' logits for a prompt (float32)
- hostile/: files that must be refused with a clear error:
    os-system.bin        a checkpoint whose pickle calls os.system
    eval.bin             builtins.eval through STACK_GLOBAL-free GLOBAL
    truncated.bin        a checkpoint cut in half
    compressed.bin       the same members deflated
    not-a-checkpoint.zip a zip of text files
    missing-storage.bin  data/3 removed
    huge-shape.bin       a tensor whose size is 2**40 elements over a small storage
    huge-numel.bin       a storage declaring 2**60 elements
    huge-stride.bin      (loads) a [1, 4] tensor whose size-1 dimension has stride 2**62 + 3
    empty-far.bin        (loads) a [0, 4] tensor at storage offset 2**62
    wrong-shape.bin      transformer.h.0.ln_1.weight of shape [17] (the config implies [16])
    missing-tensor.bin   transformer.ln_f.bias left out
    int-weights.bin      transformer.wpe.weight stored as int64
- clip-micro/: a Chinese-CLIP with 336-pixel images, patch 14 (577 tokens),
  a text tower wider than the vision tower (48 vs 32), 3 layers each, heads
  4 and 2, projection 24, an 8000-token vocabulary (the first 8000 BERT
  tokens), saved as pytorch_model.bin; reference.safetensors holds
  transformers' outputs: text_embeds for 6 texts, text hidden states and
  last_hidden_state of text 2, image_embeds, vision hidden states, last
  hidden state and pooler output for the pixel values in the same file
  (pixel_values, float16: made by ChineseCLIPImageProcessor at 336 from
  ../images/{pubu,chun}.jpg and rounded to float16 before the forward pass).
- clip-micro-original.pt: the original Chinese-CLIP layout ({"state_dict":
  {"module.visual.*", "module.bert.*"}}), to be refused.
"""
import io
import json
import os
import shutil
import struct
import sys
import zipfile

import numpy as np
import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.dirname(HERE)
torch.manual_seed(8)


def out(*parts):
    path = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def exact_random(shape, generator):
    """Values k/64, |k| <= 127: exact in f16, bf16, f32 and f64."""
    k = torch.randint(-127, 128, shape, generator=generator)
    return k.to(torch.float32) / 64


# ---------------------------------------------------------------- shared copies
shared = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/fixtures"
for src, dst in [("clip-tiny-bin", "clip-tiny.bin"), ("gpt2-tiny-bin", "gpt2-tiny.bin"),
                 ("gpt2-tiny-legacy", "gpt2-tiny-legacy.bin")]:
    shutil.copyfile(os.path.join(shared, "torch", src, "pytorch_model.bin"), out(dst))

bert_vocab = open(os.path.join(FIXTURES, "vocab.txt"), encoding="utf-8").read().split("\n")

# ---------------------------------------------------------------- gpt2-micro
from transformers import GPT2Config, GPT2LMHeadModel  # noqa: E402

poem_chars = list("春眠不觉晓处处闻啼鸟")
micro_vocab = bert_vocab[:300] + poem_chars
V = len(micro_vocab)
gcfg = GPT2Config(vocab_size=V, n_positions=32, n_embd=16, n_layer=2, n_head=2,
                  activation_function="gelu_new", tie_word_embeddings=True)
gpt2 = GPT2LMHeadModel(gcfg).eval()
g = torch.Generator().manual_seed(1)
with torch.no_grad():
    for name, p in gpt2.named_parameters():
        p.copy_(exact_random(p.shape, g))
sd = {k: v.clone() for k, v in gpt2.state_dict().items() if not k.endswith((".attn.bias", ".attn.masked_bias"))}
micro = "gpt2-micro"
gcfg.save_pretrained(os.path.dirname(out(micro, "config.json")))
with open(out(micro, "vocab.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(micro_vocab) + "\n")
save_file({k: v for k, v in sd.items() if k != "lm_head.weight"}, out(micro, "model.safetensors"))

prompt = torch.tensor([[101, 310 - 10, 310 - 9, 310 - 8, 310 - 7, 310 - 6]])
with torch.no_grad():
    logits = gpt2(prompt).logits[0]
save_file({"prompt_ids": prompt[0].to(torch.int64), "prompt_logits": logits.contiguous()},
          out(micro, "prompt_logits.safetensors"))


def save(obj, *path, **kw):
    torch.save(obj, out(*path), **kw)


save({k: v.half() for k, v in sd.items()}, micro, "f16.bin")
save({k: v.bfloat16() for k, v in sd.items()}, micro, "bf16.bin")
save({k: v.double() for k, v in sd.items()}, micro, "f64.bin")
save({k: torch.nn.Parameter(v.clone(), requires_grad=True) for k, v in sd.items()}, micro, "param.bin")
stateful = {}
for k, v in sd.items():
    t = v.clone()
    t.note = "python attribute"
    stateful[k] = t
save(stateful, micro, "state.bin")
save({k: (v.t().contiguous().t() if v.dim() == 2 else v) for k, v in sd.items()}, micro, "noncontiguous.bin")
assert not sd["transformer.h.0.attn.c_attn.weight"].t().contiguous().t().is_contiguous()
flat = torch.cat([v.reshape(-1) for v in sd.values()])
views, start = {}, 0
for k, v in sd.items():
    views[k] = flat[start:start + v.numel()].view(v.shape)
    start += v.numel()
save(views, micro, "offsets.bin")
tied = dict(sd)
tied["lm_head.weight"] = tied["transformer.wte.weight"]
for layer in range(2):
    tied[f"transformer.h.{layer}.attn.bias"] = torch.tril(torch.ones(32, 32, dtype=torch.uint8)).view(1, 1, 32, 32)
    tied[f"transformer.h.{layer}.attn.masked_bias"] = torch.tensor(-1e4)
tied["transformer.h.0.attn.bias"] = tied["transformer.h.0.attn.bias"].bool()
save(tied, micro, "tied-buffers.bin")
save(sd, micro, "legacy.bin", _use_new_zipfile_serialization=False)
torch.save(sd, "/tmp/other.pt")
shutil.copyfile("/tmp/other.pt", out(micro, "renamed.bin"))

base_zip = out(micro, "tied-buffers.bin")


def rewrite_zip(src, dst, transform=lambda name, data: data, compression=zipfile.ZIP_STORED,
                force_zip64=False, drop=()):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression=compression) as zout:
        for info in zin.infolist():
            if any(info.filename.endswith(d) for d in drop):
                continue
            data = transform(info.filename, zin.read(info))
            if force_zip64:
                with zout.open(info.filename, "w", force_zip64=True) as f:
                    f.write(data)
            else:
                zout.writestr(info.filename, data)


# Big-endian: every storage byte-swapped by its element size, byteorder "big".
# The element size of each storage key comes from the persistent ids.
import pickle  # noqa: E402


class StorageSizes(pickle.Unpickler):
    sizes = {"FloatStorage": 4, "ByteStorage": 1, "BoolStorage": 1, "LongStorage": 8}

    def __init__(self, data):
        super().__init__(io.BytesIO(data))
        self.found = {}

    def find_class(self, module, name):
        if name in self.sizes:
            return name
        return lambda *a, **k: None

    def persistent_load(self, pid):
        self.found[pid[2]] = self.sizes[pid[1]]
        return None


with zipfile.ZipFile(base_zip) as z:
    reader = StorageSizes(z.read("tied-buffers/data.pkl"))
    reader.load()
    element_sizes = reader.found
assert len(element_sizes) > 10, element_sizes


def swap(name, data):
    if name.endswith("/byteorder"):
        return b"big"
    if "/data/" in name and not name.endswith("serialization_id"):
        key = name.rsplit("/", 1)[1]
        size = element_sizes.get(key, 1)
        if size > 1:
            a = np.frombuffer(data, dtype=np.dtype(f"<u{size}"))
            return a.byteswap().tobytes()
    return data


rewrite_zip(base_zip, out(micro, "bigendian.bin"), transform=swap)
rewrite_zip(base_zip, out(micro, "zip64.bin"), force_zip64=True)

# Sharded sets.
names = sorted(sd)
half = len(names) // 2
for kind in ("torch", "safetensors"):
    folder = f"sharded-{kind}"
    shards = {}
    for i, part in enumerate((names[:half], names[half:])):
        if kind == "torch":
            fname = f"pytorch_model-0000{i + 1}-of-00002.bin"
            torch.save({k: sd[k] for k in part}, out(micro, folder, fname))
        else:
            fname = f"model-0000{i + 1}-of-00002.safetensors"
            save_file({k: sd[k].contiguous() for k in part if k != "lm_head.weight"}, out(micro, folder, fname))
        for k in part:
            if not (kind == "safetensors" and k == "lm_head.weight"):
                shards[k] = fname
    index = "pytorch_model.bin.index.json" if kind == "torch" else "model.safetensors.index.json"
    with open(out(micro, folder, index), "w") as f:
        json.dump({"metadata": {"total_size": sum(v.numel() * 4 for v in sd.values())}, "weight_map": shards}, f, indent=1)

# ---------------------------------------------------------------- hostile files
hostile = "hostile"
ZIPNAME = "archive"


def checkpoint_zip(path, pickle_bytes, storages):
    with zipfile.ZipFile(out(hostile, path), "w") as z:
        z.writestr(f"{ZIPNAME}/data.pkl", pickle_bytes)
        z.writestr(f"{ZIPNAME}/byteorder", b"little")
        for key, data in storages.items():
            z.writestr(f"{ZIPNAME}/data/{key}", data)
        z.writestr(f"{ZIPNAME}/version", b"3\n")


# os.system("echo pwned") through REDUCE
checkpoint_zip("os-system.bin", b"\x80\x02cos\nsystem\nX\x0a\x00\x00\x00echo pwnedq\x00\x85R.", {})
checkpoint_zip("eval.bin", b"\x80\x02cbuiltins\neval\nX\x01\x00\x00\x001\x85R.", {})
good = open(out(micro, "f16.bin"), "rb").read()
open(out(hostile, "truncated.bin"), "wb").write(good[: len(good) // 2])
rewrite_zip(out(micro, "f16.bin"), out(hostile, "compressed.bin"), compression=zipfile.ZIP_DEFLATED)
with zipfile.ZipFile(out(hostile, "not-a-checkpoint.zip"), "w") as z:
    z.writestr("notes/readme.txt", "hello")
    z.writestr("notes/data.txt", "1 2 3")
rewrite_zip(out(micro, "f16.bin"), out(hostile, "missing-storage.bin"), drop=("/data/3",))


def one_tensor_pickle(numel, size, stride=None, offset=0):
    """{'w': _rebuild_tensor_v2(storage(numel floats), offset, size, stride, False, OrderedDict())}"""
    def int_op(n):
        return b"\x8a\x08" + struct.pack("<q", n)
    if stride is None:
        stride = []
        step = 1
        for d in reversed(size):
            stride.insert(0, step)
            step *= d
    def tup(values):
        return b"(" + b"".join(int_op(v) for v in values) + b"t"
    return (b"\x80\x02}(X\x01\x00\x00\x00w"
            b"ctorch._utils\n_rebuild_tensor_v2\n"
            b"((X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpu" + int_op(numel) + b"tQ"
            + int_op(offset) + tup(size) + tup(stride) + b"\x89ccollections\nOrderedDict\n)Rt"
            b"Ru.")


checkpoint_zip("huge-shape.bin", one_tensor_pickle(4, [1 << 20, 1 << 20]), {"0": b"\0" * 16})
checkpoint_zip("huge-numel.bin", one_tensor_pickle(1 << 60, [4]), {"0": b"\0" * 16})
# Legal but odd views that must load without overflowing anything: a huge
# stride on a dimension of size 1, and an empty tensor at a huge offset.
checkpoint_zip("huge-stride.bin", one_tensor_pickle(4, [1, 4], stride=[(1 << 62) + 3, 1]), {"0": struct.pack("<4f", 1, 2, 3, 4)})
checkpoint_zip("empty-far.bin", one_tensor_pickle(4, [0, 4], offset=1 << 62), {"0": b"\0" * 16})
wrong = dict(sd)
wrong["transformer.h.0.ln_1.weight"] = torch.zeros(17)
save(wrong, hostile, "wrong-shape.bin")
missing = {k: v for k, v in sd.items() if k != "transformer.ln_f.bias"}
save(missing, hostile, "missing-tensor.bin")
ints = dict(sd)
ints["transformer.wpe.weight"] = torch.zeros(32, 16, dtype=torch.int64)
save(ints, hostile, "int-weights.bin")

# ---------------------------------------------------------------- clip-micro
from PIL import Image  # noqa: E402
from transformers import (BertTokenizer, ChineseCLIPConfig, ChineseCLIPImageProcessor,  # noqa: E402
                          ChineseCLIPModel)

cvocab = bert_vocab[:8000]
ccfg = ChineseCLIPConfig(
    text_config=dict(vocab_size=8000, hidden_size=48, num_hidden_layers=3, num_attention_heads=4,
                     intermediate_size=96, max_position_embeddings=64),
    vision_config=dict(hidden_size=32, num_hidden_layers=3, num_attention_heads=2, intermediate_size=64,
                       image_size=336, patch_size=14, projection_dim=24),
    projection_dim=24)
clip = ChineseCLIPModel(ccfg).eval()
g = torch.Generator().manual_seed(2)
with torch.no_grad():
    for name, p in clip.named_parameters():
        p.copy_(torch.randn(p.shape, generator=g) * (0.2 if p.dim() > 1 else 0.1)
                + (1.0 if "norm" in name.lower() and name.endswith("weight") else 0.0))
cdir = "clip-micro"
ccfg.save_pretrained(os.path.dirname(out(cdir, "config.json")))
with open(out(cdir, "vocab.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(cvocab) + "\n")
csd = {k: v for k, v in clip.state_dict().items()}
torch.save(csd, out(cdir, "pytorch_model.bin"))
processor = ChineseCLIPImageProcessor(size={"height": 336, "width": 336}, crop_size={"height": 336, "width": 336},
                                      do_center_crop=False)
processor.save_pretrained(os.path.dirname(out(cdir, "preprocessor_config.json")))
tokenizer = BertTokenizer(out(cdir, "vocab.txt"))
texts = ["床前明月光", "疑是地上霜。", "举头望明月，低头思故乡", "Hello 世界", "", "春眠不觉晓处处闻啼鸟"]
images = [Image.open(os.path.join(FIXTURES, "images", n + ".jpg")).convert("RGB") for n in ("pubu", "chun")]
# Stored as float16 (half the bytes); the model runs on exactly those values.
pixels = processor(images=images, return_tensors="pt")["pixel_values"].half().float()
ref = {"pixel_values": pixels.half().contiguous()}
with torch.no_grad():
    embeds = []
    for i, t in enumerate(texts):
        ids = tokenizer(t, return_tensors="pt", truncation=True, max_length=52)
        ref[f"input_ids.{i}"] = ids["input_ids"][0].to(torch.int64)
        o = clip.text_model(input_ids=ids["input_ids"], attention_mask=ids["attention_mask"],
                            token_type_ids=torch.zeros_like(ids["input_ids"]), output_hidden_states=True)
        embeds.append(clip.text_projection(o.last_hidden_state[:, 0, :])[0])
        if i == 2:
            for h, state in enumerate(o.hidden_states):
                ref[f"text.hidden_states.{h}"] = state[0].clone()
            ref["text.last_hidden_state"] = o.last_hidden_state[0].clone()
    ref["text_embeds"] = torch.stack(embeds).contiguous()
    o = clip.vision_model(pixel_values=pixels, output_hidden_states=True)
    ref["image_embeds"] = clip.visual_projection(o.pooler_output).contiguous()
    for h, state in enumerate(o.hidden_states):
        ref[f"vision.hidden_states.{h}"] = state[0].clone()
    ref["vision.last_hidden_state"] = o.last_hidden_state[0].clone()
    ref["vision.pooler_output"] = o.pooler_output.contiguous()
    # The model's own path agrees with the towers' (get_text_features / get_image_features).
    assert torch.allclose(clip.get_image_features(pixel_values=pixels).pooler_output
                          if hasattr(clip.get_image_features(pixel_values=pixels), "pooler_output")
                          else clip.get_image_features(pixel_values=pixels), ref["image_embeds"], atol=1e-5)
save_file(ref, out(cdir, "reference.safetensors"))

# The original Chinese-CLIP release's layout, to be refused.
original = {"epoch": 1, "step": 2, "name": "clip_cn_vit-b-16",
            "state_dict": {"module.visual.conv1.weight": torch.zeros(4, 3, 2, 2),
                           "module.bert.embeddings.word_embeddings.weight": torch.zeros(8, 4),
                           "module.logit_scale": torch.tensor(1.0)}}
torch.save(original, out("clip-micro-original.pt"))
for root, _, files in os.walk(HERE):
    for f in files:
        os.chmod(os.path.join(root, f), 0o644)
print("done")
