#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "render/tile_blend_kernels.hpp"

namespace splat {

namespace baseline {
extern const TileBlendKernels kernels;
}
#if SPLAT_BLEND_X86
namespace avx2 {
extern const TileBlendKernels kernels;
}
namespace avx512 {
extern const TileBlendKernels kernels;
}
#endif

std::vector<const TileBlendKernels*> runnable_tile_blend_kernels() {
  std::vector<const TileBlendKernels*> runnable;
#if SPLAT_BLEND_X86
  __builtin_cpu_init();
  // The AVX-512 file is built for the x86-64-v4 subset (F, DQ, BW, VL).
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
    runnable.push_back(&avx512::kernels);
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    runnable.push_back(&avx2::kernels);
#endif
  runnable.push_back(&baseline::kernels);
  return runnable;
}

namespace {

const TileBlendKernels& choose_kernels() {
  const std::vector<const TileBlendKernels*> runnable = runnable_tile_blend_kernels();
  const char* wanted = std::getenv("SPLAT_SIMD");
  if (wanted == nullptr || *wanted == '\0') return *runnable.front();
  std::string names;
  for (const TileBlendKernels* k : runnable) {
    if (wanted == std::string(k->isa)) return *k;
    names += names.empty() ? k->isa : std::string(", ") + k->isa;
  }
  fail("SPLAT_SIMD=", wanted, " is not an instruction set this machine runs (it runs: ", names,
       ")");
}

}  // namespace

const TileBlendKernels& tile_blend_kernels() {
  static const TileBlendKernels& chosen = choose_kernels();
  return chosen;
}

}  // namespace splat
