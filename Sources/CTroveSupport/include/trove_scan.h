#ifndef TROVE_SCAN_H
#define TROVE_SCAN_H
#include <stddef.h>

/// Index of the first i in [0, n) with scores[i] >= threshold, or n. With `norms`,
/// the value compared is 2·scores[i] − norms[i] (L2 ranking). Uses AVX-512 or AVX2
/// when the CPU has them: top-k selection spends nearly all its time here, rejecting.
size_t trove_scan_at_least(const float *scores, const float *norms, size_t n, float threshold);

#endif
