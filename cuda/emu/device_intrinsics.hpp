// CUDA's device math and bit intrinsics for emulation. The fast-math variants (__expf, __fdividef)
// use the exact functions: emulation checks logic, the GPU run is the word on last-bit numerics.
#pragma once

#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>

// min and max as CUDA declares them for device code: global overloads, so that unqualified calls
// in kernels (int with int, unsigned with unsigned, float with float) find them.
#define SPLAT_EMU_MIN_MAX(T)         \
  inline constexpr T min(T a, T b) { \
    return b < a ? b : a;            \
  }                                  \
  inline constexpr T max(T a, T b) { \
    return a < b ? b : a;            \
  }
SPLAT_EMU_MIN_MAX(int)
SPLAT_EMU_MIN_MAX(unsigned int)
SPLAT_EMU_MIN_MAX(long)
SPLAT_EMU_MIN_MAX(unsigned long)
SPLAT_EMU_MIN_MAX(long long)
SPLAT_EMU_MIN_MAX(unsigned long long)
#undef SPLAT_EMU_MIN_MAX
// Floating point: NaN-ignoring like fminf/fmaxf, as CUDA's float min/max are.
inline float min(float a, float b) {
  return std::fmin(a, b);
}
inline float max(float a, float b) {
  return std::fmax(a, b);
}
inline double min(double a, double b) {
  return std::fmin(a, b);
}
inline double max(double a, double b) {
  return std::fmax(a, b);
}
// Mixed operands as CUDA's overloads take them: signed with unsigned compares as unsigned, float
// with double as double.
#define SPLAT_EMU_MIXED_MIN_MAX(R, A, B)              \
  inline R min(A a, B b) {                            \
    return min(static_cast<R>(a), static_cast<R>(b)); \
  }                                                   \
  inline R max(A a, B b) {                            \
    return max(static_cast<R>(a), static_cast<R>(b)); \
  }                                                   \
  inline R min(B a, A b) {                            \
    return min(static_cast<R>(a), static_cast<R>(b)); \
  }                                                   \
  inline R max(B a, A b) {                            \
    return max(static_cast<R>(a), static_cast<R>(b)); \
  }
SPLAT_EMU_MIXED_MIN_MAX(unsigned int, int, unsigned int)
SPLAT_EMU_MIXED_MIN_MAX(unsigned long, long, unsigned long)
SPLAT_EMU_MIXED_MIN_MAX(unsigned long long, long long, unsigned long long)
SPLAT_EMU_MIXED_MIN_MAX(double, float, double)
#undef SPLAT_EMU_MIXED_MIN_MAX

inline float __expf(float x) {
  return std::exp(x);
}
inline float __logf(float x) {
  return std::log(x);
}
inline float __log2f(float x) {
  return std::log2(x);
}
inline float __powf(float x, float y) {
  return std::pow(x, y);
}
inline float __sinf(float x) {
  return std::sin(x);
}
inline float __cosf(float x) {
  return std::cos(x);
}
inline float __fdividef(float a, float b) {
  return a / b;
}
inline float __frcp_rn(float x) {
  return 1.0f / x;
}
inline float __fsqrt_rn(float x) {
  return std::sqrt(x);
}
inline float __fmaf_rn(float a, float b, float c) {
  return std::fma(a, b, c);
}
inline float __fadd_rn(float a, float b) {
  return a + b;
}
inline float __fmul_rn(float a, float b) {
  return a * b;
}
inline float rsqrtf(float x) {
  return 1.0f / std::sqrt(x);
}
inline double rsqrt(double x) {
  return 1.0 / std::sqrt(x);
}
inline float __saturatef(float x) {
  return x >= 1.0f ? 1.0f : (x > 0.0f ? x : 0.0f);
}  // NaN: 0

inline unsigned int __float_as_uint(float x) {
  return std::bit_cast<unsigned int>(x);
}
inline int __float_as_int(float x) {
  return std::bit_cast<int>(x);
}
inline float __uint_as_float(unsigned int x) {
  return std::bit_cast<float>(x);
}
inline float __int_as_float(int x) {
  return std::bit_cast<float>(x);
}
inline long long __double_as_longlong(double x) {
  return std::bit_cast<long long>(x);
}
inline double __longlong_as_double(long long x) {
  return std::bit_cast<double>(x);
}

inline int __popc(unsigned int x) {
  return std::popcount(x);
}
inline int __popcll(unsigned long long x) {
  return std::popcount(x);
}
inline int __clz(int x) {
  return std::countl_zero(static_cast<unsigned int>(x));
}
inline int __clzll(long long x) {
  return std::countl_zero(static_cast<unsigned long long>(x));
}
// 1-based position of the lowest set bit, 0 for 0.
inline int __ffs(int x) {
  return x == 0 ? 0 : std::countr_zero(static_cast<unsigned int>(x)) + 1;
}
inline int __ffsll(long long x) {
  return x == 0 ? 0 : std::countr_zero(static_cast<unsigned long long>(x)) + 1;
}
inline unsigned int __brev(unsigned int x) {
  x = (x >> 1 & 0x55555555u) | (x & 0x55555555u) << 1;
  x = (x >> 2 & 0x33333333u) | (x & 0x33333333u) << 2;
  x = (x >> 4 & 0x0f0f0f0fu) | (x & 0x0f0f0f0fu) << 4;
  return __builtin_bswap32(x);
}

template <typename T>
inline T __ldg(const T* p) {
  return *p;
}

inline void __threadfence_block() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
}
inline void __threadfence() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
}
inline void __threadfence_system() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
}
