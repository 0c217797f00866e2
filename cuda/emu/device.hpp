// Everything the body of a CUDA kernel needs when the project's .cu files are compiled by the host
// compiler (SPLAT_CUDA=EMU): qualifiers, built-in variables, vector types, intrinsics, atomics,
// barriers and warp collectives, shared memory. The kernels then run on the CPU, one fiber per GPU
// thread (see grid_runner.hpp). The CUDA runtime API (cudaMalloc, streams, ...) is not here: the
// emulated cuda_runtime_api.h includes this header and adds it.
#pragma once

#if defined(__CUDACC__)
#error "cuda/emu/device.hpp is for host-compiler builds of CUDA sources, not nvcc"
#endif

#include <cmath>  // expf, sqrtf, fminf, ... are the C library's

#include "cuda/emu/device_atomics.hpp"
#include "cuda/emu/device_builtins.hpp"
#include "cuda/emu/device_collectives.hpp"
#include "cuda/emu/device_intrinsics.hpp"
#include "cuda/emu/device_shared.hpp"
#include "cuda/emu/device_vector_types.hpp"
