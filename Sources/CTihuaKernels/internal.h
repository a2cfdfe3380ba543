#ifndef TIHUA_KERNELS_INTERNAL_H
#define TIHUA_KERNELS_INTERNAL_H

#include "tihua_kernels.h"
#include <math.h>
#include <string.h>

/* Scalar building blocks shared by the portable code and the SIMD tails, so
 * that both perform the same operations. Files including this header turn
 * off floating-point contraction: a * b + c must stay two roundings unless
 * fmaf is written. */

#define TIHUA_LANES 16

/* The fixed summation tree over 16 lanes (see tihua_kernels.h). */
static inline float tihua_reduce16(const float a[TIHUA_LANES]) {
    float s8[8], s4[4];
    for (int l = 0; l < 8; l++) s8[l] = a[l] + a[l + 8];
    for (int l = 0; l < 4; l++) s4[l] = s8[l] + s8[l + 4];
    return (s4[0] + s4[2]) + (s4[1] + s4[3]);
}

static inline uint32_t tihua_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float tihua_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

/* binary16 -> binary32, exact; a signalling NaN comes back quiet, as with F16C. */
static inline float tihua_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0x1f) return tihua_float(sign | 0x7f800000u | (m ? 0x400000u : 0) | (m << 13));
    if (e == 0) {
        float v = (float)m * 0x1p-24f; /* exact: m < 2^10 */
        return tihua_float(sign | tihua_bits(v));
    }
    return tihua_float(sign | ((e + 112u) << 23) | (m << 13));
}

/* binary32 -> binary16, round to nearest even, as vcvtps2ph with imm 0. */
static inline uint16_t tihua_float_to_half(float f) {
    uint32_t x = tihua_bits(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t ax = x & 0x7fffffffu;
    if (ax >= 0x7f800000u) { /* infinity or NaN */
        if (ax == 0x7f800000u) return (uint16_t)(sign | 0x7c00u);
        return (uint16_t)(sign | 0x7e00u | ((ax >> 13) & 0x3ffu));
    }
    if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* >= 65520 rounds to infinity */
    if (ax < 0x38800000u) {                                   /* below 2^-14: subnormal half or zero */
        if (ax <= 0x33000000u) return (uint16_t)sign;          /* <= 2^-25 rounds to zero (a tie goes to even 0) */
        uint32_t e = ax >> 23;
        uint32_t m = (ax & 0x7fffffu) | 0x800000u;
        uint32_t shift = 126u - e; /* 14 ... 24: the value in units of 2^-24 is m >> shift */
        uint32_t r = m >> shift, rem = m & ((1u << shift) - 1u), half = 1u << (shift - 1u);
        if (rem > half || (rem == half && (r & 1u))) r++;
        return (uint16_t)(sign | r); /* r == 0x400 is the smallest normal: the carry is right */
    }
    uint32_t r = (ax - 0x38000000u) >> 13, rem = ax & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (r & 1u))) r++;
    return (uint16_t)(sign | r);
}

static inline uint8_t tihua_sq8_code(float x, float vmin, float vdiff) {
    float t = 0;
    if (vdiff != 0) {
        t = (x - vmin) / vdiff;
        t = t > 0 ? t : 0; /* NaN -> 0, as SIMD max(t, 0) */
        t = t < 1 ? t : 1;
    }
    return (uint8_t)(int)(255.0f * t);
}

static inline float tihua_sq8_value(uint8_t code, float vmin, float vdiff) {
    float t = ((float)code + 0.5f) / 255.0f;
    return fmaf(t, vdiff, vmin);
}

/* Per-ISA implementations behind the dispatching entry points. */
void tihua_portable_dot_f32(const float *q, const float *rows, size_t n, size_t d, float *out);
void tihua_portable_dot_f16(const float *q, const uint16_t *rows, size_t n, size_t d, float *out);
void tihua_portable_dot_sq8(const float *w, float bias, const uint8_t *codes, size_t n, size_t d, float *out);
void tihua_portable_f16_encode(const float *src, size_t count, uint16_t *dst);
void tihua_portable_f16_decode(const uint16_t *src, size_t count, float *dst);
void tihua_portable_sq8_encode(const float *x, size_t n, size_t d, const float *vmin, const float *vdiff,
                               uint8_t *codes);
void tihua_portable_sq8_decode(const uint8_t *codes, size_t n, size_t d, const float *vmin, const float *vdiff,
                               float *out);

#if defined(__x86_64__)
#define TIHUA_HAVE_AVX2 1
void tihua_avx2_dot_f32(const float *q, const float *rows, size_t n, size_t d, float *out);
void tihua_avx2_dot_f16(const float *q, const uint16_t *rows, size_t n, size_t d, float *out);
void tihua_avx2_dot_sq8(const float *w, float bias, const uint8_t *codes, size_t n, size_t d, float *out);
void tihua_avx2_f16_encode(const float *src, size_t count, uint16_t *dst);
void tihua_avx2_f16_decode(const uint16_t *src, size_t count, float *dst);
void tihua_avx2_sq8_encode(const float *x, size_t n, size_t d, const float *vmin, const float *vdiff,
                           uint8_t *codes);
void tihua_avx2_sq8_decode(const uint8_t *codes, size_t n, size_t d, const float *vmin, const float *vdiff,
                           float *out);
#endif

#endif
