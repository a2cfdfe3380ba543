#!/usr/bin/env python3
"""Reference encodes and decodes for the kernel tests, made with numpy and FAISS.

Writes raw little-endian arrays (`NAME.bin`) and `manifest.json`
({name: {"dtype": ..., "shape": [...]}}) beside this script:

- SQ8 (FAISS ScalarQuantizer QT_8bit, default RS_minmax) for two cases:
  `odd`  — 37 dimensions of Gaussian data with per-dimension scales from 1e-3 to
           1e3, one constant dimension (vdiff = 0) and encode rows that go past
           the trained ranges (clamping), with extreme values;
  `unit` — 96-dimensional unit vectors of low intrinsic dimension (the kind
           Tihua stores), trained on 250 rows, 64 more encoded.
  For each: `sq8_CASE_train` (float32), `sq8_CASE_trained` (FAISS's
  `trained`: vmin then vdiff), `sq8_CASE_x` (rows to encode),
  `sq8_CASE_codes` (`compute_codes`), `sq8_CASE_decoded` (`decode`; FAISS's
  AVX2 build fuses the multiply-add when d is a multiple of 8, as for `unit`,
  and rounds the product separately otherwise, as for `odd`).
  For `unit`, also FAISS IndexScalarQuantizer(QT_8bit, inner product) top-10
  of 8 queries: `sq8_unit_queries`, `sq8_unit_faiss_ids`, `sq8_unit_faiss_scores`.
- float16: `f16_x` (float32 values: random, exact ties between halves,
  subnormal halves, overflow, signed zeros, infinities), `f16_numpy`
  (numpy `astype(float16)` bits, round to nearest even), `f16_faiss`
  (FAISS QT_fp16 `compute_codes`), `f16_faiss_decoded` (FAISS `decode` of
  the numpy codes).

    python3 Tests/TihuaKernelsTests/Fixtures/make_fixtures.py   # numpy, faiss-cpu
"""
import json
import os

import faiss
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
manifest = {}


def save(name, array):
    array = np.ascontiguousarray(array)
    array.astype(array.dtype.newbyteorder("<")).tofile(os.path.join(HERE, name + ".bin"))
    manifest[name] = {"dtype": array.dtype.name, "shape": list(array.shape)}


def sq8_case(name, train, x):
    d = train.shape[1]
    sq = faiss.ScalarQuantizer(d, faiss.ScalarQuantizer.QT_8bit)
    sq.train(train)
    save(f"sq8_{name}_train", train)
    save(f"sq8_{name}_trained", faiss.vector_to_array(sq.trained).astype(np.float32))
    save(f"sq8_{name}_x", x)
    codes = sq.compute_codes(x)
    save(f"sq8_{name}_codes", codes)
    save(f"sq8_{name}_decoded", sq.decode(codes))
    return sq


def unit_rows(rng, n, d, latent, mixing):
    z = rng.standard_normal((n, latent)).astype(np.float32) / np.sqrt(np.arange(1, latent + 1, dtype=np.float32))
    x = z @ mixing + 0.05 * rng.standard_normal((n, d)).astype(np.float32) / np.sqrt(d)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def main():
    rng = np.random.default_rng(20261127)

    # SQ8, odd dimension, wide scales, a constant column, out-of-range rows.
    d = 37
    scales = np.logspace(-3, 3, d).astype(np.float32)
    train = (rng.standard_normal((300, d)) * scales).astype(np.float32)
    train[:, 5] = 0.25  # constant: vdiff = 0
    x = (rng.standard_normal((200, d)) * scales * 1.5).astype(np.float32)
    x[0] = train.min(axis=0)   # exactly the minima: code 0
    x[1] = train.max(axis=0)   # exactly the maxima: code 255
    x[2] = np.float32(3e38)
    x[3] = np.float32(-3e38)
    x[4] = 0
    sq8_case("odd", train, x)

    # SQ8 on unit vectors, and FAISS's own search on the codes.
    d, latent = 96, 12
    mixing = rng.standard_normal((latent, d)).astype(np.float32) / np.sqrt(latent)
    train = unit_rows(rng, 250, d, latent, mixing)
    x = unit_rows(rng, 64, d, latent, mixing)
    sq8_case("unit", train, x)
    index = faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    index.train(train)
    index.add(train)
    queries = unit_rows(rng, 8, d, latent, mixing)
    scores, ids = index.search(queries, 10)
    save("sq8_unit_queries", queries)
    save("sq8_unit_faiss_ids", ids.astype(np.int64))
    save("sq8_unit_faiss_scores", scores.astype(np.float32))

    # float16.
    values = [rng.standard_normal(1000).astype(np.float32)]
    halves = np.arange(0, 0x7c00, 31, dtype=np.uint16).view(np.float16).astype(np.float32)
    nxt = np.nextafter(halves.astype(np.float16), np.float16(np.inf)).astype(np.float32)
    mid = ((halves.astype(np.float64) + nxt.astype(np.float64)) / 2).astype(np.float32)  # exact ties
    values += [mid, -mid, halves]
    values.append(np.array([0.0, -0.0, np.inf, -np.inf, 65504, 65519.996, 65520, 65536, 1e30, -1e30,
                            2.0 ** -24, 2.0 ** -25, 2.0 ** -25 * 1.0000001, 2.0 ** -26, 1e-40, -1e-40,
                            2.0 ** -14, 2.0 ** -14 * (1 - 2.0 ** -11)], dtype=np.float32))
    f = np.concatenate(values).astype(np.float32)
    save("f16_x", f)
    with np.errstate(over="ignore"):
        numpy_codes = f.astype(np.float16).view(np.uint16)
    save("f16_numpy", numpy_codes)
    sq = faiss.ScalarQuantizer(1, faiss.ScalarQuantizer.QT_fp16)
    sq.train(np.zeros((1, 1), dtype=np.float32))
    save("f16_faiss", sq.compute_codes(f[:, None]).view(np.uint16).reshape(-1))
    save("f16_faiss_decoded", sq.decode(numpy_codes.view(np.uint8).reshape(-1, 2)).reshape(-1))

    with open(os.path.join(HERE, "manifest.json"), "w") as out:
        json.dump(manifest, out, indent=1, sort_keys=True)
        out.write("\n")
    print(f"wrote {len(manifest)} arrays, faiss {faiss.__version__}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
