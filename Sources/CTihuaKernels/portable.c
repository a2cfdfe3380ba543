/* The reference implementation: plain C with the operations of the SIMD code
 * written out lane by lane. Used on CPUs without AVX2/FMA/F16C and by the
 * tests that hold the SIMD code to it. */
#pragma STDC FP_CONTRACT OFF

#include "internal.h"

/* Scores one row; x(j) yields the row's component j as a float. */
#define TIHUA_ROW_DOT(result, q, d, x)                                          \
    do {                                                                        \
        float acc_[TIHUA_LANES] = {0};                                          \
        size_t d16_ = (d) & ~(size_t)15, j;                                     \
        for (j = 0; j < d16_; j += TIHUA_LANES)                                 \
            for (int l = 0; l < TIHUA_LANES; l++)                               \
                acc_[l] = fmaf((q)[j + l], x(j + l), acc_[l]);                  \
        float s_ = tihua_reduce16(acc_);                                        \
        for (j = d16_; j < (d); j++) s_ = fmaf((q)[j], x(j), s_);               \
        (result) = s_;                                                          \
    } while (0)

void tihua_portable_dot_f32(const float *q, const float *rows, size_t n, size_t d, float *out) {
    for (size_t i = 0; i < n; i++) {
        const float *r = rows + i * d;
#define X(j) r[j]
        TIHUA_ROW_DOT(out[i], q, d, X);
#undef X
    }
}

void tihua_portable_dot_f16(const float *q, const uint16_t *rows, size_t n, size_t d, float *out) {
    for (size_t i = 0; i < n; i++) {
        const uint16_t *r = rows + i * d;
#define X(j) tihua_half_to_float(r[j])
        TIHUA_ROW_DOT(out[i], q, d, X);
#undef X
    }
}

void tihua_portable_dot_sq8(const float *w, float bias, const uint8_t *codes, size_t n, size_t d, float *out) {
    for (size_t i = 0; i < n; i++) {
        const uint8_t *r = codes + i * d;
        float s;
#define X(j) ((float)r[j])
        TIHUA_ROW_DOT(s, w, d, X);
#undef X
        out[i] = s + bias;
    }
}

void tihua_portable_f16_encode(const float *src, size_t count, uint16_t *dst) {
    for (size_t i = 0; i < count; i++) dst[i] = tihua_float_to_half(src[i]);
}

void tihua_portable_f16_decode(const uint16_t *src, size_t count, float *dst) {
    for (size_t i = 0; i < count; i++) dst[i] = tihua_half_to_float(src[i]);
}

void tihua_portable_sq8_encode(const float *x, size_t n, size_t d, const float *vmin, const float *vdiff,
                               uint8_t *codes) {
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) codes[i * d + j] = tihua_sq8_code(x[i * d + j], vmin[j], vdiff[j]);
}

void tihua_portable_sq8_decode(const uint8_t *codes, size_t n, size_t d, const float *vmin, const float *vdiff,
                               float *out) {
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) out[i * d + j] = tihua_sq8_value(codes[i * d + j], vmin[j], vdiff[j]);
}
