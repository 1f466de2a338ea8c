#ifndef TROVE_PQ_H
#define TROVE_PQ_H
#include <stddef.h>
#include <stdint.h>

/// Product-quantizer scores by table lookup: out[i] = bias + Σ_j table[j·256 + codes[i·m + j]]
/// for `count` rows of `m` one-byte codes. The table (m × 256 floats, a query's dot with
/// every codeword) stays in L1/L2 while the codes stream; four rows are summed at once so
/// their independent lookups overlap.
void trove_pq_scores(const float *table, const uint8_t *codes, size_t count, size_t m, float bias, float *out);

/// The same for rows picked by position: out[i] = bias + Σ_j table[j·256 + codes[pos[i]·m + j]].
void trove_pq_scores_at(const float *table, const uint8_t *codes, const uint32_t *positions, size_t count, size_t m, float bias, float *out);

#endif
