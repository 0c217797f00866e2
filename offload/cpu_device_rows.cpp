// The CPU backend's DeviceRows: "device" memory is host memory, and every operation is a task
// of the compute stream's worker thread, ordered against the copy stream only by events.
#include <omp.h>

#include <cstring>

#include "model/gaussian_model.hpp"
#include "offload/device_rows.hpp"
#include "offload/frustum_culling.hpp"
#include "offload/gaussian_store.hpp"

namespace splat {

namespace {

std::size_t appearance_width(const GaussianArrays& a) {
  return static_cast<std::size_t>(sh_coefficient_count(a.sh_degree)) * 3;
}

class CpuDeviceRows final : public DeviceRows {
 public:
  explicit CpuDeviceRows(Stream& compute) : compute_(compute) {}

  std::vector<VisibleSet> cull(const float* spheres, std::size_t count,
                               const std::vector<PinholeCamera>& cameras) override {
    compute_.synchronize();  // sphere writes still queued would race with the reads
    return cull_cameras_cpu(spheres, count, cameras);
  }

  void unpack(const float* geometry, const float* appearance, std::size_t count,
              std::size_t first_slot, const GaussianArrays& p) override {
    compute_.host_task([=] {
      const std::size_t aw = appearance_width(p);
#pragma omp parallel for schedule(static) if (count > 8192)
      for (long long i = 0; i < static_cast<long long>(count); ++i) {
        const std::size_t slot = first_slot + i;
        const float* g = geometry + i * kGeometryWidth;
        std::memcpy(p.means + slot * 3, g, 3 * sizeof(float));
        std::memcpy(p.log_scales + slot * 3, g + 3, 3 * sizeof(float));
        std::memcpy(p.rotations + slot * 4, g + 6, 4 * sizeof(float));
        p.opacity_logits[slot] = g[10];
        std::memcpy(p.sh + slot * aw, appearance + i * aw, aw * sizeof(float));
      }
    });
  }

  void pack_gradients(const std::vector<std::uint32_t>& slots, const GaussianArrays& g,
                      float* geometry, float* appearance) override {
    compute_.host_task([=] {
      const std::size_t aw = appearance_width(g);
#pragma omp parallel for schedule(static) if (slots.size() > 8192)
      for (long long i = 0; i < static_cast<long long>(slots.size()); ++i) {
        const std::size_t slot = slots[i];
        float* out = geometry + i * kGeometryWidth;
        std::memcpy(out, g.means + slot * 3, 3 * sizeof(float));
        std::memcpy(out + 3, g.log_scales + slot * 3, 3 * sizeof(float));
        std::memcpy(out + 6, g.rotations + slot * 4, 4 * sizeof(float));
        out[10] = g.opacity_logits[slot];
        std::memcpy(appearance + i * aw, g.sh + slot * aw, aw * sizeof(float));
      }
    });
  }

  void move(const SlotMoves& moves, const GaussianArrays& p, const GaussianArrays& g) override {
    if (moves.from.empty()) return;
    compute_.host_task([=] {
      const std::size_t widths[5] = {3, 3, 4, 1, appearance_width(p)};
      for (const GaussianArrays* a : {&p, &g}) {
        float* arrays[5] = {a->means, a->log_scales, a->rotations, a->opacity_logits, a->sh};
        for (int k = 0; k < 5; ++k)
          for (std::size_t i = 0; i < moves.from.size(); ++i)
            std::memcpy(arrays[k] + moves.to[i] * widths[k], arrays[k] + moves.from[i] * widths[k],
                        widths[k] * sizeof(float));
      }
    });
  }

  void write_spheres(const std::uint32_t* ids, const float* spheres, std::size_t count,
                     float* spheres_out) override {
    compute_.host_task([=] {
#pragma omp parallel for schedule(static) if (count > 8192)
      for (long long i = 0; i < static_cast<long long>(count); ++i)
        std::memcpy(spheres_out + std::size_t{ids[i]} * 4, spheres + i * 4, 4 * sizeof(float));
    });
  }

 private:
  Stream& compute_;
};

}  // namespace

std::unique_ptr<DeviceRows> make_cpu_device_rows(Stream& compute) {
  return std::make_unique<CpuDeviceRows>(compute);
}

}  // namespace splat
