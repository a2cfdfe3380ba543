"""Character trigram baselines for the trained generator's held-out perplexity.

    python3 Tools/bench/generator_baseline.py Training/generator

reads TRAINING_FOLDER/data/train.txt and validation.txt (written by
`tihua train generator`: one poem a line in the training layout
`[CLS]关键词：k1 k2 [EOS]line|line|…[SEP]`) and its vocab.txt, and scores
the same tokens the model's cross-entropy counts: each character of the
lines, each `|`, and the end ([SEP]); characters outside the vocabulary
count as [UNK], as for the model. The models see no keywords (the GPT-2
does): they are the plain character-level baseline the target compares to.

- interpolated Kneser–Ney trigram (absolute discount D = 0.75 at both
  higher orders, continuation unigram interpolated with a uniform 1e-3),
- add-k trigram (k tuned on the first half of the validation set from
  {1e-3, 3e-3, 1e-2, 3e-2, 0.1}, reported on the second half and on all).

Prints one JSON object: {"kneser_ney": {"perplexity", "cross_entropy"}, "add_k": {...}, "tokens"}.
"""
import json
import math
import sys
from collections import Counter, defaultdict

folder = sys.argv[1] if len(sys.argv) > 1 else "Training/generator"
vocab = [l.rstrip("\n") for l in open(f"{folder}/vocab.txt", encoding="utf-8")]
known = set(vocab)


def poems(path):
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            continue
        body = line.split("[EOS]", 1)[1]
        assert body.endswith("[SEP]")
        body = body[: -len("[SEP]")]
        yield [c if c in known else "[UNK]" for c in body] + ["[SEP]"]


train = list(poems(f"{folder}/data/train.txt"))
valid = list(poems(f"{folder}/data/validation.txt"))
V = len(vocab)

tri, bi_ctx = Counter(), Counter()
for p in train:
    s = ["<s>", "<s>"] + p
    for i in range(2, len(s)):
        tri[(s[i - 2], s[i - 1], s[i])] += 1
        bi_ctx[(s[i - 2], s[i - 1])] += 1

# Kneser–Ney counts.
D = 0.75
follow_tri = Counter()            # N1+(u v ·)
for (u, v, w) in tri:
    follow_tri[(u, v)] += 1
cont_bi = Counter()               # N1+(· v w)
for (u, v, w) in tri:
    cont_bi[(v, w)] += 1
cont_bi_ctx = Counter()           # N1+(· v ·) = Σ_w N1+(· v w)
follow_bi = Counter()             # N1+(v ·) over distinct (v, w) seen in continuation
for (v, w), n in cont_bi.items():
    cont_bi_ctx[v] += n
    follow_bi[v] += 1
cont_uni = Counter()              # N1+(· w) over bigram types
for (v, w) in cont_bi:
    cont_uni[w] += 1
total_bigram_types = len(cont_bi)


def p_uni(w):
    return 0.999 * cont_uni[w] / total_bigram_types + 0.001 / V


def p_bi(v, w):
    c = cont_bi_ctx[v]
    if c == 0:
        return p_uni(w)
    return max(cont_bi[(v, w)] - D, 0) / c + D * follow_bi[v] / c * p_uni(w)


def p_kn(u, v, w):
    c = bi_ctx[(u, v)]
    if c == 0:
        return p_bi(v, w)
    return max(tri[(u, v, w)] - D, 0) / c + D * follow_tri[(u, v)] / c * p_bi(v, w)


def p_addk(u, v, w, k):
    return (tri[(u, v, w)] + k) / (bi_ctx[(u, v)] + k * V)


def score(ps, prob):
    nll, n = 0.0, 0
    for p in ps:
        s = ["<s>", "<s>"] + p
        for i in range(2, len(s)):
            nll -= math.log(prob(s[i - 2], s[i - 1], s[i]))
            n += 1
    return nll / n, n


kn_ce, tokens = score(valid, p_kn)
half = len(valid) // 2
best_k = min([1e-3, 3e-3, 1e-2, 3e-2, 0.1], key=lambda k: score(valid[:half], lambda u, v, w: p_addk(u, v, w, k))[0])
addk_ce, _ = score(valid, lambda u, v, w: p_addk(u, v, w, best_k))
addk_second, _ = score(valid[half:], lambda u, v, w: p_addk(u, v, w, best_k))
print(json.dumps({
    "tokens": tokens, "training_poems": len(train), "validation_poems": len(valid), "vocabulary": V,
    "kneser_ney": {"cross_entropy": kn_ce, "perplexity": math.exp(kn_ce)},
    "add_k": {"k": best_k, "cross_entropy": addk_ce, "perplexity": math.exp(addk_ce),
              "perplexity_second_half": math.exp(addk_second)},
}))
