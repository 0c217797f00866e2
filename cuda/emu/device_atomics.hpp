// CUDA's atomic functions for emulation, through std::atomic_ref: correct when blocks run on
// several OS threads, and visible to ThreadSanitizer as atomics (a plain access racing with one is
// still reported). Relaxed order, as CUDA's atomics are.
#pragma once

#include <atomic>

namespace splat::emu::detail {

template <typename T>
inline std::atomic_ref<T> atomic_at(T* address) {
  return std::atomic_ref<T>(*address);
}

// CUDA's atomicMax/atomicMin: a compare-exchange loop (atomic_ref has no fetch_max).
template <typename T, typename Pick>
inline T atomic_update(T* address, T value, Pick pick) {
  auto a = atomic_at(address);
  T old = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(old, pick(old, value), std::memory_order_relaxed)) {
  }
  return old;
}

}  // namespace splat::emu::detail

#define SPLAT_EMU_ATOMIC_ADD(T)                                                                  \
  inline T atomicAdd(T* address, T value) {                                                      \
    return ::splat::emu::detail::atomic_at(address).fetch_add(value, std::memory_order_relaxed); \
  }
SPLAT_EMU_ATOMIC_ADD(int)
SPLAT_EMU_ATOMIC_ADD(unsigned int)
SPLAT_EMU_ATOMIC_ADD(unsigned long long)
SPLAT_EMU_ATOMIC_ADD(float)
SPLAT_EMU_ATOMIC_ADD(double)
#undef SPLAT_EMU_ATOMIC_ADD

inline int atomicSub(int* address, int value) {
  return ::splat::emu::detail::atomic_at(address).fetch_sub(value, std::memory_order_relaxed);
}
inline unsigned int atomicSub(unsigned int* address, unsigned int value) {
  return ::splat::emu::detail::atomic_at(address).fetch_sub(value, std::memory_order_relaxed);
}

#define SPLAT_EMU_ATOMIC_MIN_MAX_BITS(T)                                                         \
  inline T atomicMax(T* address, T value) {                                                      \
    return ::splat::emu::detail::atomic_update(address, value,                                   \
                                               [](T a, T b) { return a < b ? b : a; });          \
  }                                                                                              \
  inline T atomicMin(T* address, T value) {                                                      \
    return ::splat::emu::detail::atomic_update(address, value,                                   \
                                               [](T a, T b) { return b < a ? b : a; });          \
  }                                                                                              \
  inline T atomicAnd(T* address, T value) {                                                      \
    return ::splat::emu::detail::atomic_at(address).fetch_and(value, std::memory_order_relaxed); \
  }                                                                                              \
  inline T atomicOr(T* address, T value) {                                                       \
    return ::splat::emu::detail::atomic_at(address).fetch_or(value, std::memory_order_relaxed);  \
  }                                                                                              \
  inline T atomicXor(T* address, T value) {                                                      \
    return ::splat::emu::detail::atomic_at(address).fetch_xor(value, std::memory_order_relaxed); \
  }
SPLAT_EMU_ATOMIC_MIN_MAX_BITS(int)
SPLAT_EMU_ATOMIC_MIN_MAX_BITS(unsigned int)
SPLAT_EMU_ATOMIC_MIN_MAX_BITS(long long)
SPLAT_EMU_ATOMIC_MIN_MAX_BITS(unsigned long long)
#undef SPLAT_EMU_ATOMIC_MIN_MAX_BITS

#define SPLAT_EMU_ATOMIC_EXCH_CAS(T)                                                             \
  inline T atomicExch(T* address, T value) {                                                     \
    return ::splat::emu::detail::atomic_at(address).exchange(value, std::memory_order_relaxed);  \
  }                                                                                              \
  inline T atomicCAS(T* address, T compare, T value) {                                           \
    ::splat::emu::detail::atomic_at(address).compare_exchange_strong(compare, value,             \
                                                                     std::memory_order_relaxed); \
    return compare; /* the old value, whether or not it was swapped */                           \
  }
SPLAT_EMU_ATOMIC_EXCH_CAS(int)
SPLAT_EMU_ATOMIC_EXCH_CAS(unsigned int)
SPLAT_EMU_ATOMIC_EXCH_CAS(unsigned long long)
#undef SPLAT_EMU_ATOMIC_EXCH_CAS

inline float atomicExch(float* address, float value) {
  return ::splat::emu::detail::atomic_at(address).exchange(value, std::memory_order_relaxed);
}

// CUDA's wrapping increment and decrement: ((old >= limit) ? 0 : old + 1), and
// ((old == 0 || old > limit) ? limit : old - 1).
inline unsigned int atomicInc(unsigned int* address, unsigned int limit) {
  return ::splat::emu::detail::atomic_update(
      address, limit, [](unsigned int old, unsigned int l) { return old >= l ? 0u : old + 1; });
}
inline unsigned int atomicDec(unsigned int* address, unsigned int limit) {
  return ::splat::emu::detail::atomic_update(address, limit, [](unsigned int old, unsigned int l) {
    return old == 0 || old > l ? l : old - 1;
  });
}
