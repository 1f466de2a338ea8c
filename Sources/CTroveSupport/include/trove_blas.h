#ifndef TROVE_BLAS_H
#define TROVE_BLAS_H

/// Selects OpenBLAS's AVX-512 kernels when OpenBLAS (0.3.21 here) mistook an AVX-512
/// CPU, such as AMD Zen 4, for Haswell or Zen. Call before any BLAS work. Returns 1
/// when it switched, 0 otherwise (OPENBLAS_CORETYPE set by the user, no AVX-512, a
/// correct detection, or an OpenBLAS without dynamic architecture selection).
int trove_blas_prefer_avx512(void);

/// The kernel family OpenBLAS is using ("Haswell", "SkylakeX", ...), or "" without OpenBLAS.
const char *trove_blas_core_name(void);

/// Once per process, whoever calls first: trove_blas_prefer_avx512(), then one BLAS
/// thread, since Trove splits work across cores itself (shards of rows for search,
/// batches of sentences for the encoder). Safe to call from any thread, any number of times.
void trove_blas_setup(void);

#endif
