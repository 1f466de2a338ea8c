// The encoder's element-wise work: GELU over every intermediate activation, softmax over
// every attention score, LayerNorm twice per layer. Written as branch-free loops so that
// the compiler vectorises them; exp and erf are polynomial approximations (exp within a
// few ulps, erf within 1.5e-7 absolute) that vectorise where libm calls would not.
#include "trove_encoder.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define TROVE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TROVE_CLONES
#endif

// e^x: 2^n · e^r with n = round(x / ln 2) (added to 1.5·2^23 so that it lands in the low
// mantissa bits), r reduced in two steps, e^r by a degree-6 polynomial.
static inline float exp_approx(float x) {
    x = x < -87.3f ? -87.3f : x;
    x = x > 88.7f ? 88.7f : x;
    float shifted = x * 1.44269504f + 12582912.0f;
    float n = shifted - 12582912.0f;
    float r = x - n * 0.693145752f;
    r = r - n * 1.42860677e-6f;
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    int32_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    bits = (bits - 0x4B400000 + 127) * (1 << 23);
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

// erf(x), Abramowitz & Stegun 7.1.26.
static inline float erf_approx(float x) {
    float a = x < 0 ? -x : x;
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float p = 1.061405429f;
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    float y = 1.0f - p * t * exp_approx(-a * a);
    return x < 0 ? -y : y;
}

TROVE_CLONES
void trove_bias_gelu(float *x, size_t rows, size_t columns, const float *bias) {
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * columns;
        for (size_t c = 0; c < columns; c++) {
            float v = row[c] + bias[c];
            row[c] = 0.5f * v * (1.0f + erf_approx(v * 0.70710678f));
        }
    }
}

TROVE_CLONES
void trove_add_bias(float *x, size_t rows, size_t columns, size_t stride, const float *bias) {
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * stride;
        for (size_t c = 0; c < columns; c++) row[c] += bias[c];
    }
}

TROVE_CLONES
void trove_residual_layer_norm(float *x, const float *residual, const float *bias, size_t rows, size_t columns,
                               const float *gamma, const float *beta, float epsilon) {
#pragma clang fp reassociate(on)
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * columns;
        if (residual) {
            const float *add = residual + r * columns;
            for (size_t c = 0; c < columns; c++) row[c] += add[c];
        }
        if (bias) {
            for (size_t c = 0; c < columns; c++) row[c] += bias[c];
        }
        float sum = 0;
        for (size_t c = 0; c < columns; c++) sum += row[c];
        float mean = sum / (float)columns;
        float squares = 0;
        for (size_t c = 0; c < columns; c++) {
            float d = row[c] - mean;
            squares += d * d;
        }
        float inverse = 1.0f / sqrtf(squares / (float)columns + epsilon);
        for (size_t c = 0; c < columns; c++) row[c] = (row[c] - mean) * inverse * gamma[c] + beta[c];
    }
}

TROVE_CLONES
void trove_softmax_rows(float *x, size_t rows, size_t count, size_t stride) {
#pragma clang fp reassociate(on)
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * stride;
        float peak = -INFINITY;
        for (size_t c = 0; c < count; c++) peak = row[c] > peak ? row[c] : peak;
        float sum = 0;
        for (size_t c = 0; c < count; c++) {
            float e = exp_approx(row[c] - peak);
            row[c] = e;
            sum += e;
        }
        float inverse = 1.0f / sum;
        for (size_t c = 0; c < count; c++) row[c] *= inverse;
    }
}
