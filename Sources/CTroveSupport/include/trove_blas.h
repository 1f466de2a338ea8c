#ifndef TROVE_BLAS_H
#define TROVE_BLAS_H

/// Selects OpenBLAS's strongest kernels the CPU runs when OpenBLAS (0.3.21 here) took
/// it for something weaker: SkylakeX on an AVX-512 CPU it named otherwise (AMD Zen 4 as
/// Haswell, Intel Sapphire Rapids as Prescott), Haswell on an AVX2 CPU it named as an
/// older one. Call before any BLAS work. Returns 1 when it switched, 0 otherwise
/// (OPENBLAS_CORETYPE set by the user, a correct detection, or an OpenBLAS without
/// dynamic architecture selection).
int trove_blas_choose_core(void);

/// The kernel family OpenBLAS is using ("Haswell", "SkylakeX", ...), or "" without OpenBLAS.
const char *trove_blas_core_name(void);

/// Once per process, whoever calls first: trove_blas_choose_core(), then one BLAS
/// thread, since Trove splits work across cores itself (shards of rows for search,
/// batches of sentences for the encoder). Safe to call from any thread, any number of times.
void trove_blas_setup(void);

#endif
