// Dot-product kernels of vector search, at the CPU's best level. Each level is compiled
// with a function-level target attribute (no compiler flags), and the level is picked
// once at run time, so one binary runs on AVX2 machines and uses AVX-512 where it exists.
#include "trove_vector.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

static float dot_scalar(const float *a, const float *b, size_t d) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= d; i += 4) {
        s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3];
    }
    for (; i < d; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

static void rows_scalar(const float *q, const float *rows, size_t count, size_t d, float *out) {
    for (size_t r = 0; r < count; r++) out[r] = dot_scalar(q, rows + r * d, d);
}

static void ids_scalar(const float *q, const float *base, size_t d, const uint32_t *ids, size_t count, float *out) {
    for (size_t r = 0; r < count; r++) out[r] = dot_scalar(q, base + (size_t)ids[r] * d, d);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static inline float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

// Four accumulators, so four FMAs are in flight while a row streams in.
__attribute__((target("avx2,fma")))
static inline float dot_avx2(const float *a, const float *b, size_t d) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= d; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= d; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float s = hsum256(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < d; i++) s += a[i] * b[i];
    return s;
}

// One row after another. Rows are contiguous, so this is one sequential stream the
// hardware prefetcher follows; measured on 200,000 x 384 rows (AVX2, one thread) it ran
// about 20% faster than scoring four rows at once with software prefetch, which splits
// the stream in four.
__attribute__((target("avx2,fma")))
static void rows_avx2(const float *q, const float *rows, size_t count, size_t d, float *out) {
    for (size_t r = 0; r < count; r++) out[r] = dot_avx2(q, rows + r * d, d);
}

__attribute__((target("avx2,fma")))
static void ids_avx2(const float *q, const float *base, size_t d, const uint32_t *ids, size_t count, float *out) {
    for (size_t r = 0; r < count; r++) {
        if (r + 1 < count) {
            const char *next = (const char *)(base + (size_t)ids[r + 1] * d);
            for (size_t b = 0; b < d * 4; b += 64) _mm_prefetch(next + b, _MM_HINT_T0);
        }
        out[r] = dot_avx2(q, base + (size_t)ids[r] * d, d);
    }
}

__attribute__((target("avx512f")))
static inline float dot_avx512(const float *a, const float *b, size_t d) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 32 <= d; i += 32) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), s1);
    }
    for (; i + 16 <= d; i += 16) s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s0);
    if (i < d) {
        __mmask16 m = (__mmask16)((1u << (d - i)) - 1);
        s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), s1);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

// One row after another, as for AVX2.
__attribute__((target("avx512f")))
static void rows_avx512(const float *q, const float *rows, size_t count, size_t d, float *out) {
    for (size_t r = 0; r < count; r++) out[r] = dot_avx512(q, rows + r * d, d);
}

__attribute__((target("avx512f")))
static void ids_avx512(const float *q, const float *base, size_t d, const uint32_t *ids, size_t count, float *out) {
    for (size_t r = 0; r < count; r++) {
        if (r + 1 < count) {
            const char *next = (const char *)(base + (size_t)ids[r + 1] * d);
            for (size_t b = 0; b < d * 4; b += 64) _mm_prefetch(next + b, _MM_HINT_T0);
        }
        out[r] = dot_avx512(q, base + (size_t)ids[r] * d, d);
    }
}
#endif

static int detected(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}

static int level = -1;

static int initial_level(void) {
    int l = detected();
    const char *cap = getenv("TROVE_VECTOR_KERNELS");
    if (cap && strcmp(cap, "scalar") == 0) l = 0;
    else if (cap && strcmp(cap, "avx2") == 0 && l > 1) l = 1;
    return l;
}

int trove_vector_level(void) {
    int l = __atomic_load_n(&level, __ATOMIC_RELAXED);
    if (l < 0) {
        l = initial_level();
        __atomic_store_n(&level, l, __ATOMIC_RELAXED);
    }
    return l;
}

int trove_vector_detected_level(void) { return detected(); }

float trove_dot_at(int l, const float *a, const float *b, size_t d) {
#if defined(__x86_64__)
    if (l >= 2 && detected() >= 2) return dot_avx512(a, b, d);
    if (l >= 1 && detected() >= 1) return dot_avx2(a, b, d);
#endif
    (void)l;
    return dot_scalar(a, b, d);
}

void trove_dot_rows_at(int l, const float *q, const float *rows, size_t count, size_t d, float *out) {
#if defined(__x86_64__)
    if (l >= 2 && detected() >= 2) { rows_avx512(q, rows, count, d, out); return; }
    if (l >= 1 && detected() >= 1) { rows_avx2(q, rows, count, d, out); return; }
#endif
    (void)l;
    rows_scalar(q, rows, count, d, out);
}

void trove_dot_ids_at(int l, const float *q, const float *base, size_t d, const uint32_t *ids, size_t count, float *out) {
#if defined(__x86_64__)
    if (l >= 2 && detected() >= 2) { ids_avx512(q, base, d, ids, count, out); return; }
    if (l >= 1 && detected() >= 1) { ids_avx2(q, base, d, ids, count, out); return; }
#endif
    (void)l;
    ids_scalar(q, base, d, ids, count, out);
}

float trove_dot(const float *a, const float *b, size_t d) {
#if defined(__x86_64__)
    switch (trove_vector_level()) {
    case 2: return dot_avx512(a, b, d);
    case 1: return dot_avx2(a, b, d);
    default: break;
    }
#endif
    return dot_scalar(a, b, d);
}

void trove_dot_rows(const float *q, const float *rows, size_t count, size_t d, float *out) {
#if defined(__x86_64__)
    switch (trove_vector_level()) {
    case 2: rows_avx512(q, rows, count, d, out); return;
    case 1: rows_avx2(q, rows, count, d, out); return;
    default: break;
    }
#endif
    rows_scalar(q, rows, count, d, out);
}

void trove_dot_ids(const float *q, const float *base, size_t d, const uint32_t *ids, size_t count, float *out) {
#if defined(__x86_64__)
    switch (trove_vector_level()) {
    case 2: ids_avx512(q, base, d, ids, count, out); return;
    case 1: ids_avx2(q, base, d, ids, count, out); return;
    default: break;
    }
#endif
    ids_scalar(q, base, d, ids, count, out);
}

void trove_prefetch(const void *p) {
#if defined(__x86_64__)
    _mm_prefetch((const char *)p, _MM_HINT_T0);
    _mm_prefetch((const char *)p + 64, _MM_HINT_T0);
#else
    (void)p;
#endif
}

void trove_spin_lock(uint8_t *lock) {
    while (__atomic_test_and_set(lock, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(lock, __ATOMIC_RELAXED)) {
#if defined(__x86_64__)
            _mm_pause();
#endif
        }
    }
}

void trove_spin_unlock(uint8_t *lock) {
    __atomic_clear(lock, __ATOMIC_RELEASE);
}
