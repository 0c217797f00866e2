#include <cmath>
#include <cstdlib>
#include <string>

#include "math/alpha_blending.hpp"

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

void pack_blend_gaussians(const float* mean2d, const float* conic, const float* opacity,
                          const float* color, std::size_t n, float* packed) {
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t sg = 0; sg < static_cast<std::ptrdiff_t>(n); ++sg) {
    const std::size_t g = static_cast<std::size_t>(sg);
    const float a = conic[g * 3], b = conic[g * 3 + 1], c = conic[g * 3 + 2];
    const float power_floor = blending_power_floor(opacity[g]);
    // The power passes the floor only inside the ellipse q <= -2 floor (q the conic's form),
    // whose box has half-widths sqrt(-2 floor c / det) and sqrt(-2 floor a / det). det in
    // double: it cancels badly for long, thin Gaussians.
    const double det = double(a) * c - double(b) * b;
    const double level = power_floor < 0 ? -2.0 * power_floor : 0.0;
    float reach_x = 3.0e38f, reach_y = 3.0e38f;
    if (det > 0 && a > 0 && c > 0) {
      reach_x = static_cast<float>(std::sqrt(level * c / det) * 1.002 + 0.5);
      reach_y = static_cast<float>(std::sqrt(level * a / det) * 1.002 + 0.5);
    }
    float* out = packed + g * kBlendFloats;
    out[0] = mean2d[g * 2];
    out[1] = mean2d[g * 2 + 1];
    out[2] = a;
    out[3] = b;
    out[4] = c;
    out[5] = opacity[g];
    for (int ch = 0; ch < 3; ++ch) out[6 + ch] = color[g * 3 + ch];
    out[9] = power_floor;
    out[10] = reach_x;
    out[11] = reach_y;
  }
}

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

const TileBlendKernels& tile_blend_kernels_named(const char* wanted) {
  const std::vector<const TileBlendKernels*> runnable = runnable_tile_blend_kernels();
  if (wanted == nullptr || *wanted == '\0') return *runnable.front();
  std::string names;
  for (const TileBlendKernels* k : runnable) {
    if (wanted == std::string(k->isa)) return *k;
    names += names.empty() ? k->isa : std::string(", ") + k->isa;
  }
  fail("SPLAT_SIMD=", wanted, " is not an instruction set this machine runs (it runs: ", names,
       ")");
}

const TileBlendKernels& tile_blend_kernels() {
  static const TileBlendKernels& chosen = tile_blend_kernels_named(std::getenv("SPLAT_SIMD"));
  return chosen;
}

}  // namespace splat
