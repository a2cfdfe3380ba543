/* AVX2 + FMA + F16C versions of the kernels. Each function is compiled for
 * those extensions only (the rest of the package stays baseline x86-64) and
 * is called only after the CPU check in dispatch.c. Tails that do not fill a
 * vector use the scalar helpers of internal.h, as the portable code does. */
#pragma STDC FP_CONTRACT OFF

#include "internal.h"

#if TIHUA_HAVE_AVX2
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma,f16c")))
#ifndef PREFETCH_ROWS
#define PREFETCH_ROWS 8
#endif

/* The summation tree of tihua_reduce16 over lanes 0-7 (a) and 8-15 (b). */
TARGET static inline float reduce(__m256 a, __m256 b) {
    __m256 s8 = _mm256_add_ps(a, b);
    __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    return _mm_cvtss_f32(_mm_add_ss(s2, _mm_movehdup_ps(s2)));
}

/* Eight components of a row as floats. */
TARGET static inline __m256 load_f32(const float *p) { return _mm256_loadu_ps(p); }
TARGET static inline __m256 load_f16(const uint16_t *p) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}
TARGET static inline __m256 load_u8(const uint8_t *p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p)));
}

static inline float scalar_f32(const float *p, size_t j) { return p[j]; }
static inline float scalar_f16(const uint16_t *p, size_t j) { return tihua_half_to_float(p[j]); }
static inline float scalar_u8(const uint8_t *p, size_t j) { return (float)p[j]; }

/* Four rows at a time share each load of the query: 8 accumulators, 2 query
 * vectors and the loaded rows fit the 16 YMM registers. A row's result does
 * not depend on whether it was scored in a group of four or alone. */
#define DOT_KERNEL(NAME, T, LOAD, SCALAR)                                                        \
    TARGET static inline float NAME##_row(const float *q, const T *r, size_t d, size_t d16) {    \
        __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();                                 \
        for (size_t j = 0; j < d16; j += 16) {                                                   \
            a = _mm256_fmadd_ps(_mm256_loadu_ps(q + j), LOAD(r + j), a);                         \
            b = _mm256_fmadd_ps(_mm256_loadu_ps(q + j + 8), LOAD(r + j + 8), b);                 \
        }                                                                                        \
        float s = reduce(a, b);                                                                  \
        for (size_t j = d16; j < d; j++) s = fmaf(q[j], SCALAR(r, j), s);                        \
        return s;                                                                                \
    }                                                                                            \
    TARGET static void NAME(const float *q, const T *rows, size_t n, size_t d, float *out) {     \
        size_t d16 = d & ~(size_t)15, i = 0;                                                     \
        for (; i + 4 <= n; i += 4) {                                                             \
            const T *r0 = rows + i * d, *r1 = r0 + d, *r2 = r1 + d, *r3 = r2 + d;                \
            /* The four rows ahead, one contiguous region, fetched line by line over this */    \
            /* group's loop: rows of 512 bytes or less are too short for the hardware */        \
            /* prefetcher to follow four at once. */                                            \
            const char *ahead = (const char *)(r0 + PREFETCH_ROWS * d);                          \
            int fetch = i + 4 + PREFETCH_ROWS <= n;                                               \
            __m256 a0 = _mm256_setzero_ps(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0,        \
                   a3 = a0, b3 = a0;                                                             \
            for (size_t j = 0; j < d16; j += 16) {                                               \
                if (fetch) for (size_t l = 0; l < sizeof(T); l++)                                \
                    _mm_prefetch(ahead + j * 4 * sizeof(T) + l * 64, _MM_HINT_T0);               \
                __m256 qa = _mm256_loadu_ps(q + j), qb = _mm256_loadu_ps(q + j + 8);             \
                a0 = _mm256_fmadd_ps(qa, LOAD(r0 + j), a0);                                      \
                b0 = _mm256_fmadd_ps(qb, LOAD(r0 + j + 8), b0);                                  \
                a1 = _mm256_fmadd_ps(qa, LOAD(r1 + j), a1);                                      \
                b1 = _mm256_fmadd_ps(qb, LOAD(r1 + j + 8), b1);                                  \
                a2 = _mm256_fmadd_ps(qa, LOAD(r2 + j), a2);                                      \
                b2 = _mm256_fmadd_ps(qb, LOAD(r2 + j + 8), b2);                                  \
                a3 = _mm256_fmadd_ps(qa, LOAD(r3 + j), a3);                                      \
                b3 = _mm256_fmadd_ps(qb, LOAD(r3 + j + 8), b3);                                  \
            }                                                                                    \
            float s0 = reduce(a0, b0), s1 = reduce(a1, b1), s2 = reduce(a2, b2),                 \
                  s3 = reduce(a3, b3);                                                           \
            for (size_t j = d16; j < d; j++) {                                                   \
                s0 = fmaf(q[j], SCALAR(r0, j), s0);                                              \
                s1 = fmaf(q[j], SCALAR(r1, j), s1);                                              \
                s2 = fmaf(q[j], SCALAR(r2, j), s2);                                              \
                s3 = fmaf(q[j], SCALAR(r3, j), s3);                                              \
            }                                                                                    \
            out[i] = s0; out[i + 1] = s1; out[i + 2] = s2; out[i + 3] = s3;                      \
        }                                                                                        \
        for (; i < n; i++) out[i] = NAME##_row(q, rows + i * d, d, d16);                         \
    }

DOT_KERNEL(dot_f32, float, load_f32, scalar_f32)
DOT_KERNEL(dot_f16, uint16_t, load_f16, scalar_f16)
DOT_KERNEL(dot_u8, uint8_t, load_u8, scalar_u8)

TARGET void tihua_avx2_dot_f32(const float *q, const float *rows, size_t n, size_t d, float *out) {
    dot_f32(q, rows, n, d, out);
}

TARGET void tihua_avx2_dot_f16(const float *q, const uint16_t *rows, size_t n, size_t d, float *out) {
    dot_f16(q, rows, n, d, out);
}

TARGET void tihua_avx2_dot_sq8(const float *w, float bias, const uint8_t *codes, size_t n, size_t d, float *out) {
    dot_u8(w, codes, n, d, out);
    for (size_t i = 0; i < n; i++) out[i] = out[i] + bias;
}

TARGET void tihua_avx2_f16_encode(const float *src, size_t count, uint16_t *dst) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8)
        _mm_storeu_si128((__m128i *)(dst + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    for (; i < count; i++) dst[i] = tihua_float_to_half(src[i]);
}

TARGET void tihua_avx2_f16_decode(const uint16_t *src, size_t count, float *dst) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(dst + i, load_f16(src + i));
    for (; i < count; i++) dst[i] = tihua_half_to_float(src[i]);
}

TARGET void tihua_avx2_sq8_encode(const float *x, size_t n, size_t d, const float *vmin, const float *vdiff,
                                  uint8_t *codes) {
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f), scale = _mm256_set1_ps(255.0f);
    for (size_t i = 0; i < n; i++) {
        const float *r = x + i * d;
        uint8_t *c = codes + i * d;
        size_t j = 0;
        for (; j + 8 <= d; j += 8) {
            __m256 lo = _mm256_loadu_ps(vmin + j), diff = _mm256_loadu_ps(vdiff + j);
            __m256 t = _mm256_div_ps(_mm256_sub_ps(_mm256_loadu_ps(r + j), lo), diff);
            t = _mm256_and_ps(t, _mm256_cmp_ps(diff, zero, _CMP_NEQ_UQ)); /* vdiff == 0: t = 0 */
            t = _mm256_min_ps(_mm256_max_ps(t, zero), one);               /* NaN -> 0 */
            __m256i v = _mm256_cvttps_epi32(_mm256_mul_ps(scale, t));       /* 0 ... 255 */
            __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
            _mm_storel_epi64((__m128i *)(c + j), _mm_packus_epi16(w, w));
        }
        for (; j < d; j++) c[j] = tihua_sq8_code(r[j], vmin[j], vdiff[j]);
    }
}

TARGET void tihua_avx2_sq8_decode(const uint8_t *codes, size_t n, size_t d, const float *vmin, const float *vdiff,
                                  float *out) {
    const __m256 half = _mm256_set1_ps(0.5f), scale = _mm256_set1_ps(255.0f);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *c = codes + i * d;
        float *o = out + i * d;
        size_t j = 0;
        for (; j + 8 <= d; j += 8) {
            __m256 t = _mm256_div_ps(_mm256_add_ps(load_u8(c + j), half), scale);
            _mm256_storeu_ps(o + j, _mm256_fmadd_ps(t, _mm256_loadu_ps(vdiff + j), _mm256_loadu_ps(vmin + j)));
        }
        for (; j < d; j++) o[j] = tihua_sq8_value(c[j], vmin[j], vdiff[j]);
    }
}

#endif
