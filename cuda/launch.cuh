// Kernel launches that compile under nvcc and under the CPU emulation (SPLAT_CUDA=EMU):
//   SPLAT_LAUNCH(kernel, grid, block, shared_bytes, stream)(arguments...);
// is exactly kernel<<<grid, block, shared_bytes, stream>>>(arguments...) under nvcc.
#pragma once

#if defined(__CUDACC__)
#define SPLAT_LAUNCH(kernel, grid, block, shared_bytes, stream) \
  kernel<<<grid, block, shared_bytes, stream>>>
#else
#include "cuda/emu/launch.hpp"
#define SPLAT_LAUNCH(kernel, grid, block, shared_bytes, stream) \
  SPLAT_EMU_LAUNCH(kernel, grid, block, shared_bytes, stream)
#endif
