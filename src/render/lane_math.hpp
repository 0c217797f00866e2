// Sixteen float lanes (one tile row of pixels) as a GCC/Clang vector, and the few operations the
// tile blending kernels need on them: select, any/all, a fixed-order horizontal sum and a
// bounded-error exponential.
//
// Only the per-ISA kernel files include this, each inside its own anonymous namespace (after the
// system headers below, so that their include guards keep them out of it) and compiled with its
// own -m flags. Everything here must therefore stay internal to the including file: a
// shared inline function compiled with AVX-512 in one file could be the copy the linker keeps for
// a machine without it.
#pragma once

#include <cstdint>
#include <cstring>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef float Lanes __attribute__((vector_size(64)));
typedef std::int32_t LaneInts __attribute__((vector_size(64)));
// Lane masks are LaneInts of 0 (off) or -1 (on), as vector comparisons produce them.
typedef LaneInts LaneMask;

constexpr int kLanes = 16;

inline __attribute__((always_inline)) Lanes lanes_of(float v) {
  return Lanes{} + v;
}

inline __attribute__((always_inline)) Lanes select(LaneMask m, Lanes on, Lanes off) {
  return m ? on : off;
}

inline __attribute__((always_inline)) LaneInts select(LaneMask m, LaneInts on, LaneInts off) {
  return m ? on : off;
}

inline __attribute__((always_inline)) bool any(LaneMask m) {
#if defined(__AVX512F__)
  __m512i v;
  std::memcpy(&v, &m, sizeof v);
  return _mm512_test_epi32_mask(v, v) != 0;
#elif defined(__AVX2__)
  __m256i half[2];
  std::memcpy(half, &m, sizeof half);
  const __m256i both = _mm256_or_si256(half[0], half[1]);
  return !_mm256_testz_si256(both, both);
#else
  std::int32_t bits = 0;
  for (int i = 0; i < kLanes; ++i) bits |= m[i];
  return bits != 0;
#endif
}

inline __attribute__((always_inline)) bool all(LaneMask m) {
  return !any(~m);
}

// 1/x for x in [0.01, 1] (one minus a capped alpha): the hardware estimate refined by one Newton
// step, within 2 ulp, instead of a division that costs as much as the rest of a blending step.
inline __attribute__((always_inline)) Lanes reciprocal(Lanes x) {
#if defined(__AVX512F__)
  __m512 v;
  std::memcpy(&v, &x, sizeof v);
  Lanes r;
  const __m512 estimate = _mm512_maskz_rcp14_ps(0xFFFF, v);  // relative error below 2^-14
  std::memcpy(&r, &estimate, sizeof r);
#elif defined(__AVX2__)
  __m256 half[2];
  std::memcpy(half, &x, sizeof half);
  half[0] = _mm256_rcp_ps(half[0]);  // relative error below 1.5 * 2^-12
  half[1] = _mm256_rcp_ps(half[1]);
  Lanes r;
  std::memcpy(&r, half, sizeof r);
  r = r * (2.0f - x * r);  // a second step: one leaves 2^-22 from a 12-bit estimate
#else
  return 1.0f / x;
#endif
#if defined(__AVX512F__) || defined(__AVX2__)
  return r * (2.0f - x * r);
#endif
}

// Sum of the lanes as a balanced tree (lane i + lane i+8, then i+4, i+2, i+1): the same order on
// every ISA, so results never depend on the vector width the compiler splits the lanes into.
inline __attribute__((always_inline)) float sum_lanes(Lanes v) {
  v += __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 0, 0, 0, 0, 0, 0, 0);
  v += __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  v += __builtin_shufflevector(v, v, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  v += __builtin_shufflevector(v, v, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  return v[0];
}

// e^x for x <= 0, within 2 ulp of the exact value for x >= -87 (below, e^-87: the blending
// never asks there, its exponents stay above ln(1/255)); tests/render/lane_exp_test.cpp measures
// the bound on every ISA built. x = k ln2 + r with |r| <= ln2 / 2 (ln2 in two parts, so k ln2 is
// exact enough), e^r by its degree-7 Taylor polynomial (truncation error below 6e-9, a twentieth of
// an ulp), and 2^k put straight into the exponent bits.
inline __attribute__((always_inline)) Lanes exp_nonpositive(Lanes x) {
  x = x < -87.0f ? lanes_of(-87.0f) : x;
  x = x > 0.0f ? lanes_of(0.0f) : x;
  // Round to nearest with the 1.5 * 2^23 shift: exact for |x log2 e| < 2^22.
  const Lanes shift = lanes_of(12582912.0f);
  const Lanes k = (x * 1.44269504088896341f + shift) - shift;
  const Lanes r = (x - k * 0.693145751953125f) - k * 1.42860682030941723212e-6f;
  Lanes p = lanes_of(1.0f / 5040.0f);
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const LaneInts exponent = (__builtin_convertvector(k, LaneInts) + 127) << 23;
  Lanes scale;
  std::memcpy(&scale, &exponent, sizeof scale);
  return p * scale;
}
