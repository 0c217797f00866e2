// Shared memory declarations that compile under nvcc and under the CPU emulation (SPLAT_CUDA=EMU):
//   SPLAT_SHARED(T, name);          is  __shared__ T name;
//   SPLAT_DYNAMIC_SHARED(T, name);  is  extern __shared__ T name[];
// The emulation cannot give a plain __shared__ variable one copy per block (see
// cuda/emu/device_shared.hpp). T may be an array type (float[256]); a type with a comma needs an
// alias first.
#pragma once

#if defined(__CUDACC__)
namespace splat::cuda_shared_detail {
template <typename T>
using type = T;  // lets T be an array type in the declaration below
}
#define SPLAT_SHARED(T, name) __shared__ ::splat::cuda_shared_detail::type<T> name
#define SPLAT_DYNAMIC_SHARED(T, name) extern __shared__ T name[]
#else
#include "cuda/emu/device_shared.hpp"
#define SPLAT_SHARED(T, name) SPLAT_EMU_SHARED(T, name)
#define SPLAT_DYNAMIC_SHARED(T, name) SPLAT_EMU_DYNAMIC_SHARED(T, name)
#endif
