// OpenBLAS builds with DYNAMIC_ARCH choose their kernels when the library loads, from
// the CPU id, and honour OPENBLAS_CORETYPE only at that moment. Version 0.3.21 maps
// CPUs newer than it to weaker kernels: AMD Zen 4 (AVX-512) to Haswell (AVX2), where
// sgemm reaches about half of what the SkylakeX kernels reach on the same machine, and
// Intel Sapphire Rapids (AVX-512, AMX) to Prescott (SSE3), where the encoder ran 4.4x
// slower (docs/BENCHMARKS.md). The entry points below are OpenBLAS's own; they are weak
// so that programs without OpenBLAS link and simply keep what they have.
#include "trove_blas.h"
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>

extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));
extern char *openblas_get_corename(void) __attribute__((weak));
extern void openblas_set_num_threads(int) __attribute__((weak));

const char *trove_blas_core_name(void) {
    return openblas_get_corename ? openblas_get_corename() : "";
}

static int named(const char *name, const char *const *list) {
    for (; *list; list++) if (strcasecmp(name, *list) == 0) return 1;
    return 0;
}

// OpenBLAS's kernel families that use AVX-512, and those that use at least AVX2 + FMA.
static const char *const avx512_cores[] = {"skylakex", "cooperlake", "sapphirerapids", 0};
static const char *const avx2_cores[] = {"haswell", "zen", "skylakex", "cooperlake", "sapphirerapids", 0};

int trove_blas_choose_core(void) {
#if defined(__x86_64__)
    if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit || !openblas_get_corename) return 0;
    if (getenv("OPENBLAS_CORETYPE") != NULL) return 0;
    __builtin_cpu_init();
    const char *name = openblas_get_corename();
    if (name == NULL) return 0;
    const char *wanted = NULL;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
        if (!named(name, avx512_cores)) wanted = "SKYLAKEX";
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        if (!named(name, avx2_cores)) wanted = "HASWELL";
    }
    if (wanted == NULL) return 0;
    setenv("OPENBLAS_CORETYPE", wanted, 0);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    return 1;
#else
    return 0;
#endif
}

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

static void setup(void) {
    (void)trove_blas_choose_core();
    if (openblas_set_num_threads) openblas_set_num_threads(1);
}

void trove_blas_setup(void) {
    pthread_once(&setup_once, setup);
}
