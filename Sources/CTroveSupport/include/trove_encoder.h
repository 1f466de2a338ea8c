#ifndef TROVE_ENCODER_H
#define TROVE_ENCODER_H
#include <stddef.h>

/// The element-wise steps of a BERT encoder, over row-major float matrices. Each is
/// written as plain loops the compiler vectorises, built once per CPU level (AVX-512,
/// AVX2, baseline) and chosen when the program loads.

/// x <- GELU(x + bias) row by row (the exact, erf-based GELU; erf within 1.5e-7).
void trove_bias_gelu(float *x, size_t rows, size_t columns, const float *bias);

/// x <- x + bias for `columns` columns of each row (row stride `stride`).
void trove_add_bias(float *x, size_t rows, size_t columns, size_t stride, const float *bias);

/// x <- LayerNorm(x + residual + bias) row by row; residual and bias may be NULL.
void trove_residual_layer_norm(float *x, const float *residual, const float *bias, size_t rows, size_t columns,
                               const float *gamma, const float *beta, float epsilon);

/// Each row of `count` values (row stride `stride`) becomes its softmax.
void trove_softmax_rows(float *x, size_t rows, size_t count, size_t stride);

#endif
