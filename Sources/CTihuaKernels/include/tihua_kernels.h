#ifndef TIHUA_KERNELS_H
#define TIHUA_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/*
 * SIMD kernels for vector search over float32, float16 and 8-bit scalar-
 * quantised (SQ8) rows, with runtime CPU dispatch.
 *
 * Every kernel takes the instruction set to use, `isa`. A level the CPU does
 * not support (or an unknown value) runs the portable code, so a caller can
 * never reach an illegal instruction. Every level gives bit-identical
 * results: the portable code performs the same IEEE operations in the same
 * order as the SIMD code (fused multiply-adds through fmaf, the same lane
 * layout and summation tree, no compiler contraction).
 *
 * Dot products (`tihua_dot_*`): out[i] = q . row i, for n rows of d
 * components stored contiguously (row i starts at element i * d). A row's
 * score is computed as if by this scalar code, whatever position the row
 * has, so equal rows always get equal scores:
 *
 *     acc[16] = {0}
 *     for j in 0 ..< d16 (d16 = d rounded down to a multiple of 16):
 *         acc[j % 16] = fmaf(q[j], x[j], acc[j % 16])
 *     s8[l] = acc[l] + acc[l + 8]      (l < 8)
 *     s4[l] = s8[l] + s8[l + 4]        (l < 4)
 *     s = (s4[0] + s4[2]) + (s4[1] + s4[3])
 *     for j in d16 ..< d: s = fmaf(q[j], x[j], s)
 *
 * where x[j] is the float32 component, the exact float32 value of a float16
 * component, or (float)code for SQ8 (whose q is the prepared weight vector
 * and whose result is s + bias; see tihua_sq8_prepare_query). Pointers need
 * no alignment. The float16 kernel therefore equals the float32 kernel run
 * on the decoded rows, bit for bit.
 */

enum {
    TIHUA_ISA_PORTABLE = 0,
    TIHUA_ISA_AVX2 = 1 /* x86-64 with AVX2, FMA and F16C, enabled by the OS */
};

/* The best level this CPU supports (checked once). */
int tihua_kernels_best_isa(void);

/* ---- dot products of one query against n rows ---- */

void tihua_dot_f32(int isa, const float *q, const float *rows, size_t n, size_t d, float *out);
void tihua_dot_f16(int isa, const float *q, const uint16_t *rows, size_t n, size_t d, float *out);
/* SQ8 rows: out[i] = bias + sum_j w[j] * code[i][j] in the order above. */
void tihua_dot_sq8(int isa, const float *w, float bias, const uint8_t *codes, size_t n, size_t d, float *out);

/* ---- float16 (IEEE binary16) ---- */

/* Round-to-nearest-even conversion, as F16C's vcvtps2ph with rounding mode 0:
 * overflow gives infinity, NaN stays NaN (quietened, payload truncated). */
void tihua_f16_encode(int isa, const float *src, size_t count, uint16_t *dst);
/* Exact conversion (every float16 is a float32). */
void tihua_f16_decode(int isa, const uint16_t *src, size_t count, float *dst);

/* ---- SQ8: 8-bit scalar quantisation with per-dimension ranges ----
 *
 * The codec of FAISS's ScalarQuantizer QT_8bit (non-uniform, RS_minmax):
 *   encode  t = vdiff != 0 ? (x - vmin) / vdiff : 0, clamped to [0, 1]
 *           (NaN to 0); code = (int)(255 * t)
 *   decode  x = fmaf((code + 0.5f) / 255.0f, vdiff, vmin)
 * Codes equal FAISS's `compute_codes` bit for bit; decodes equal FAISS's
 * `decode` bit for bit when d is a multiple of 8 (FAISS's SIMD path, which
 * fuses the multiply-add too); FAISS's scalar path for other d rounds the
 * product separately, which can differ by one unit in the last place.
 */

/* Widens per-dimension ranges with n rows of d floats: vmin[j] = min(vmin[j],
 * x), vmax[j] = max(vmax[j], x). Start from +inf / -inf; vdiff = vmax - vmin. */
void tihua_sq8_update_ranges(const float *x, size_t n, size_t d, float *vmin, float *vmax);
void tihua_sq8_encode(int isa, const float *x, size_t n, size_t d, const float *vmin, const float *vdiff,
                      uint8_t *codes);
void tihua_sq8_decode(int isa, const uint8_t *codes, size_t n, size_t d, const float *vmin, const float *vdiff,
                      float *out);

/* Prepares query q for tihua_dot_sq8 and returns the bias. Scores then equal
 * q . decode(code) up to rounding, by the exact identity
 *     q . decode(c) = sum_j q[j] (vmin[j] + (c[j] + 1/2) vdiff[j] / 255)
 *                   = bias + sum_j w[j] c[j]
 * with w[j] = q[j] vdiff[j] / 255 and bias = sum_j q[j] (vmin[j] + vdiff[j] / 510),
 * both evaluated in double and rounded once to float. */
float tihua_sq8_prepare_query(const float *q, const float *vmin, const float *vdiff, size_t d, float *w);

#endif
