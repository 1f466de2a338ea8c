#ifndef TROVE_SCAN_H
#define TROVE_SCAN_H
#include <stddef.h>
#include <stdint.h>

/// Index of the first i in [0, n) with scores[i] >= threshold, or n. With `norms`,
/// the value compared is 2·scores[i] − norms[i] (L2 ranking). Uses AVX-512 or AVX2
/// when the CPU has them: top-k selection spends nearly all its time here, rejecting.
size_t trove_scan_at_least(const float *scores, const float *norms, size_t n, float threshold);

/// For each of `rows` rows of `cols` scores, the first column with the highest value:
/// scores[c], or with `norms` 2·scores[c] − norms[c] (nearest centroid under L2). The
/// k-means assignment step; in C so test builds without optimisation stay fast.
void trove_best_columns(const float *scores, size_t rows, size_t cols, const float *norms, int32_t *out);

#endif
