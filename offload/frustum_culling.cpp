#include "offload/frustum_culling.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "math/frustum.hpp"

namespace splat {

void build_culling_spheres(const GaussianModel& model, std::size_t begin, std::size_t end,
                           float* spheres) {
#pragma omp parallel for schedule(static)
  for (long long row = static_cast<long long>(begin); row < static_cast<long long>(end); ++row) {
    const float* s = &model.log_scales[row * 3];
    float* out = spheres + (row - begin) * 4;
    for (int a = 0; a < 3; ++a) out[a] = model.means[row * 3 + a];
    out[3] = culling_radius(s);
  }
}

std::vector<VisibleSet> cull_cameras_cpu(const float* spheres, std::size_t count,
                                         const std::vector<PinholeCamera>& cameras) {
  std::vector<VisibleSet> visible(cameras.size());
  const int threads = omp_get_max_threads();
  for (std::size_t c = 0; c < cameras.size(); ++c) {
    const CullingFrustum frustum = make_culling_frustum(cameras[c]);
    // Each thread culls one contiguous range; concatenating them in order keeps ids sorted.
    std::vector<VisibleSet> parts(threads);
#pragma omp parallel num_threads(threads)
    {
      const int t = omp_get_thread_num();
      const int team = omp_get_num_threads();
      const std::size_t begin = count * t / team;
      const std::size_t end = count * (t + 1) / team;
      VisibleSet& part = parts[t];
      for (std::size_t i = begin; i < end; ++i) {
        const float* s = spheres + i * 4;
        if (sphere_in_frustum(frustum, s[0], s[1], s[2], s[3]))
          part.push_back(static_cast<std::uint32_t>(i));
      }
    }
    std::size_t total = 0;
    for (const auto& part : parts) total += part.size();
    visible[c].reserve(total);
    for (const auto& part : parts) visible[c].insert(visible[c].end(), part.begin(), part.end());
  }
  return visible;
}

void count_visible_cpu(const float* spheres, std::size_t count,
                       const std::vector<CullingFrustum>& frustums, std::size_t* counts) {
  // One parallel region, each sphere tested against every frustum while it is in cache; the
  // per-thread counts are integers, so their sum does not depend on the thread count.
  const std::size_t cameras = frustums.size();
#pragma omp parallel
  {
    std::vector<std::size_t> kept(cameras, 0);
#pragma omp for schedule(static) nowait
    for (long long i = 0; i < static_cast<long long>(count); ++i) {
      const float* s = spheres + i * 4;
      for (std::size_t c = 0; c < cameras; ++c)
        kept[c] += sphere_in_frustum(frustums[c], s[0], s[1], s[2], s[3]) ? 1 : 0;
    }
#pragma omp critical
    for (std::size_t c = 0; c < cameras; ++c) counts[c] += kept[c];
  }
}

}  // namespace splat
