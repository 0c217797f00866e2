// __shared__ memory for emulation. A CUDA `__shared__ T name;` is one object per block; as a C++
// static it would be one object for all blocks (and all concurrently running grids), and nothing
// could refill it with 0xFF before each block. So kernels declare shared variables with
// SPLAT_SHARED(T, name) (cuda/shared_memory.cuh), which here binds `name` to storage in the
// running block's shared-memory arena: allocated by the first thread of the block that reaches the
// declaration, the same for all its threads, poisoned with 0xFF bytes (NaN as floats) before each
// block, and (under AddressSanitizer) fenced by red zones.
#pragma once

#include <cstddef>
#include <new>
#include <source_location>
#include <type_traits>

namespace splat::emu {

namespace detail {
// The running block's storage for the shared variable whose declaration (at `site`) `key`
// identifies.
void* block_shared(const void* key, std::size_t size, std::size_t align,
                   const std::source_location& site);
// The running block's dynamic shared memory (the launch's shared-bytes argument).
void* block_dynamic_shared();
}  // namespace detail

template <typename T>
T& shared_variable(const void* key, const std::source_location& site) {
  static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>,
                "a __shared__ variable cannot have a constructor or destructor");
  return *std::launder(static_cast<T*>(detail::block_shared(key, sizeof(T), alignof(T), site)));
}

}  // namespace splat::emu

// The address of a function-local static identifies the declaration: one per function (and per
// template instantiation), the same in every thread.
#define SPLAT_EMU_SHARED(T, name)                                     \
  static char splat_emu_shared_key_##name;                            \
  ::std::type_identity_t<T>& name = ::splat::emu::shared_variable<T>( \
      &splat_emu_shared_key_##name, ::std::source_location::current())

#define SPLAT_EMU_DYNAMIC_SHARED(T, name) \
  T* const name = static_cast<T*>(::splat::emu::detail::block_dynamic_shared())

// A raw __shared__ would silently become one variable for all blocks: refuse it.
#define __shared__ \
  static_assert(false, "emulated kernels declare shared memory with SPLAT_SHARED(T, name)");
