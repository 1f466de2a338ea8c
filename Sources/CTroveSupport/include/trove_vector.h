#ifndef TROVE_VECTOR_H
#define TROVE_VECTOR_H
#include <stddef.h>
#include <stdint.h>

/// The kernel level the vector kernels run at: 2 = AVX-512, 1 = AVX2 with FMA, 0 = portable C.
/// Chosen once from the CPU's features; `TROVE_VECTOR_KERNELS=avx2|scalar` in the
/// environment caps it (tests run every level the CPU has, and it lets a benchmark compare).
int trove_vector_level(void);

/// The best level this CPU has, whatever the environment caps it to.
int trove_vector_detected_level(void);

/// a · b over d floats.
float trove_dot(const float *a, const float *b, size_t d);

/// out[i] = q · rows[i] for `count` contiguous rows of d floats. Four rows share each load
/// of q, and rows stream with prefetch: a single query over many rows is bound by memory.
void trove_dot_rows(const float *q, const float *rows, size_t count, size_t d, float *out);

/// out[i] = q · base[ids[i]] for rows picked by id (a graph's neighbours), prefetching the
/// next rows while the current one is scored.
void trove_dot_ids(const float *q, const float *base, size_t d, const uint32_t *ids, size_t count, float *out);

/// The same kernels at a given level (capped at the CPU's), so tests can check every level
/// the CPU has against the portable one without changing the process-wide choice.
float trove_dot_at(int level, const float *a, const float *b, size_t d);
void trove_dot_rows_at(int level, const float *q, const float *rows, size_t count, size_t d, float *out);
void trove_dot_ids_at(int level, const float *q, const float *base, size_t d, const uint32_t *ids, size_t count, float *out);

/// Prefetches the first cache lines of `p` (a row about to be scored).
void trove_prefetch(const void *p);

/// A one-byte spin lock per graph node, for the parallel HNSW build: held only while a
/// neighbour list is copied or rewritten, so contention is brief and rare.
void trove_spin_lock(uint8_t *lock);
void trove_spin_unlock(uint8_t *lock);

#endif
