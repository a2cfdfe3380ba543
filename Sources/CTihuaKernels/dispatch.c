/* Entry points: run the requested level if the CPU has it, else the
 * portable code. Level-independent work (range updates, query preparation)
 * has one implementation here. */
#pragma STDC FP_CONTRACT OFF

#include "internal.h"
#include <stdatomic.h>

static int detect_isa(void) {
#if TIHUA_HAVE_AVX2
    /* __builtin_cpu_supports also checks that the OS saves the YMM state. */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
        return TIHUA_ISA_AVX2;
#endif
    return TIHUA_ISA_PORTABLE;
}

int tihua_kernels_best_isa(void) {
    /* Racing first calls compute and store the same value. */
    static _Atomic int cached = -1;
    int isa = atomic_load_explicit(&cached, memory_order_relaxed);
    if (isa < 0) {
        isa = detect_isa();
        atomic_store_explicit(&cached, isa, memory_order_relaxed);
    }
    return isa;
}

#if TIHUA_HAVE_AVX2
#define USE_AVX2(isa) ((isa) == TIHUA_ISA_AVX2 && tihua_kernels_best_isa() >= TIHUA_ISA_AVX2)
#else
#define USE_AVX2(isa) 0
#endif

#if TIHUA_HAVE_AVX2
#define DISPATCH(isa, name, ...)                                                \
    do {                                                                        \
        if (USE_AVX2(isa)) tihua_avx2_##name(__VA_ARGS__);                      \
        else tihua_portable_##name(__VA_ARGS__);                                \
    } while (0)
#else
#define DISPATCH(isa, name, ...) tihua_portable_##name(__VA_ARGS__)
#endif

void tihua_dot_f32(int isa, const float *q, const float *rows, size_t n, size_t d, float *out) {
    DISPATCH(isa, dot_f32, q, rows, n, d, out);
}

void tihua_dot_f16(int isa, const float *q, const uint16_t *rows, size_t n, size_t d, float *out) {
    DISPATCH(isa, dot_f16, q, rows, n, d, out);
}

void tihua_dot_sq8(int isa, const float *w, float bias, const uint8_t *codes, size_t n, size_t d, float *out) {
    DISPATCH(isa, dot_sq8, w, bias, codes, n, d, out);
}

void tihua_f16_encode(int isa, const float *src, size_t count, uint16_t *dst) {
    DISPATCH(isa, f16_encode, src, count, dst);
}

void tihua_f16_decode(int isa, const uint16_t *src, size_t count, float *dst) {
    DISPATCH(isa, f16_decode, src, count, dst);
}

void tihua_sq8_encode(int isa, const float *x, size_t n, size_t d, const float *vmin, const float *vdiff,
                      uint8_t *codes) {
    DISPATCH(isa, sq8_encode, x, n, d, vmin, vdiff, codes);
}

void tihua_sq8_decode(int isa, const uint8_t *codes, size_t n, size_t d, const float *vmin, const float *vdiff,
                      float *out) {
    DISPATCH(isa, sq8_decode, codes, n, d, vmin, vdiff, out);
}

void tihua_sq8_update_ranges(const float *x, size_t n, size_t d, float *vmin, float *vmax) {
    for (size_t i = 0; i < n; i++) {
        const float *r = x + i * d;
        for (size_t j = 0; j < d; j++) {
            if (r[j] < vmin[j]) vmin[j] = r[j];
            if (r[j] > vmax[j]) vmax[j] = r[j];
        }
    }
}

float tihua_sq8_prepare_query(const float *q, const float *vmin, const float *vdiff, size_t d, float *w) {
    double bias = 0;
    for (size_t j = 0; j < d; j++) {
        w[j] = (float)((double)q[j] * (double)vdiff[j] / 255.0);
        bias += (double)q[j] * ((double)vmin[j] + (double)vdiff[j] / 510.0);
    }
    return (float)bias;
}
