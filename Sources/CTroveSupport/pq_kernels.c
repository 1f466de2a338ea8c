// Asymmetric-distance scoring for product-quantized rows: each row is m one-byte codes,
// and its score is the sum of m entries of the query's lookup table. The work is m
// dependent-free loads per row, so the loop keeps four rows in flight; gathers were not
// used because on the CPUs we run on a 256-bit gather is no faster than eight loads.
#include "trove_pq.h"

// Summed in slice order from the bias, exactly as four_rows sums each of its rows, so a
// row's score does not depend on whether it fell in a group of four.
static inline float one_row(const float *table, const uint8_t *c, size_t m, float bias) {
    float s = bias;
    for (size_t j = 0; j < m; j++) s += table[j * 256 + c[j]];
    return s;
}

static inline void four_rows(const float *table, const uint8_t *a, const uint8_t *b, const uint8_t *c, const uint8_t *d,
                             size_t m, float bias, float *out) {
    float sa = bias, sb = bias, sc = bias, sd = bias;
    for (size_t j = 0; j < m; j++) {
        const float *t = table + j * 256;
        sa += t[a[j]];
        sb += t[b[j]];
        sc += t[c[j]];
        sd += t[d[j]];
    }
    out[0] = sa; out[1] = sb; out[2] = sc; out[3] = sd;
}

void trove_pq_scores(const float *table, const uint8_t *codes, size_t count, size_t m, float bias, float *out) {
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        const uint8_t *c = codes + i * m;
        four_rows(table, c, c + m, c + 2 * m, c + 3 * m, m, bias, out + i);
    }
    for (; i < count; i++) out[i] = one_row(table, codes + i * m, m, bias);
}

void trove_pq_scores_at(const float *table, const uint8_t *codes, const uint32_t *positions, size_t count, size_t m, float bias, float *out) {
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        four_rows(table, codes + (size_t)positions[i] * m, codes + (size_t)positions[i + 1] * m,
                  codes + (size_t)positions[i + 2] * m, codes + (size_t)positions[i + 3] * m, m, bias, out + i);
    }
    for (; i < count; i++) out[i] = one_row(table, codes + (size_t)positions[i] * m, m, bias);
}
