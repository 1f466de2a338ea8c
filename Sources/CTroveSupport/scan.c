// The rejection scan of top-k selection: after sgemm has scored a tile, nearly every
// score is below the worst kept one, so finding the rare one that is not, many lanes at
// a time, is most of selection's work. Variants are chosen once, by CPU features, with
// function-level target attributes (no compiler flags).
#include "trove_scan.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

static size_t scan_scalar(const float *s, const float *n, size_t count, float t) {
    for (size_t i = 0; i < count; i++) {
        float v = n ? 2 * s[i] - n[i] : s[i];
        if (v >= t) return i;
    }
    return count;
}

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static size_t scan_avx512(const float *s, const float *n, size_t count, float t) {
    __m512 vt = _mm512_set1_ps(t), two = _mm512_set1_ps(2);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 v = _mm512_loadu_ps(s + i);
        if (n) v = _mm512_fmsub_ps(two, v, _mm512_loadu_ps(n + i));
        __mmask16 m = _mm512_cmp_ps_mask(v, vt, _CMP_GE_OQ);
        if (m) return i + (size_t)__builtin_ctz(m);
    }
    return i + scan_scalar(s + i, n ? n + i : 0, count - i, t);
}

__attribute__((target("avx2,fma")))
static size_t scan_avx2(const float *s, const float *n, size_t count, float t) {
    __m256 vt = _mm256_set1_ps(t), two = _mm256_set1_ps(2);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 v = _mm256_loadu_ps(s + i);
        if (n) v = _mm256_fmsub_ps(two, v, _mm256_loadu_ps(n + i));
        int m = _mm256_movemask_ps(_mm256_cmp_ps(v, vt, _CMP_GE_OQ));
        if (m) return i + (size_t)__builtin_ctz((unsigned)m);
    }
    return i + scan_scalar(s + i, n ? n + i : 0, count - i, t);
}
#endif

typedef size_t (*scan_fn)(const float *, const float *, size_t, float);

static scan_fn choose(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return scan_avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return scan_avx2;
#endif
    return scan_scalar;
}

size_t trove_scan_at_least(const float *scores, const float *norms, size_t n, float threshold) {
    static scan_fn fn = 0;
    scan_fn f = __atomic_load_n(&fn, __ATOMIC_RELAXED);
    if (!f) {
        f = choose();
        __atomic_store_n(&fn, f, __ATOMIC_RELAXED);
    }
    return f(scores, norms, n, threshold);
}

void trove_best_columns(const float *scores, size_t rows, size_t cols, const float *norms, int32_t *out) {
    for (size_t i = 0; i < rows; i++) {
        const float *s = scores + i * cols;
        size_t best = 0;
        float top = norms ? 2 * s[0] - norms[0] : s[0];
        for (size_t c = 1; c < cols; c++) {
            float v = norms ? 2 * s[c] - norms[c] : s[c];
            if (v > top) { top = v; best = c; }
        }
        out[i] = (int32_t)best;
    }
}
