// The CPU backend's DeviceRows: "device" memory is host memory, and every operation is a task
// of the compute stream's worker thread, ordered against the copy stream only by events.
#include <omp.h>

#include <algorithm>
#include <cmath>
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

// A geometry row (store layout) into / out of a slot of the renderer's arrays.
void write_geometry(const GaussianArrays& a, std::size_t slot, const float* g) {
  std::memcpy(a.means + slot * 3, g, 3 * sizeof(float));
  std::memcpy(a.log_scales + slot * 3, g + 3, 3 * sizeof(float));
  std::memcpy(a.rotations + slot * 4, g + 6, 4 * sizeof(float));
  a.opacity_logits[slot] = g[10];
}

void read_geometry(const GaussianArrays& a, std::size_t slot, float* g) {
  std::memcpy(g, a.means + slot * 3, 3 * sizeof(float));
  std::memcpy(g + 3, a.log_scales + slot * 3, 3 * sizeof(float));
  std::memcpy(g + 6, a.rotations + slot * 4, 4 * sizeof(float));
  g[10] = a.opacity_logits[slot];
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
        if (geometry) write_geometry(p, slot, geometry + i * kGeometryWidth);
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
        if (geometry) read_geometry(g, slot, geometry + i * kGeometryWidth);
        std::memcpy(appearance + i * aw, g.sh + slot * aw, aw * sizeof(float));
      }
    });
  }

  void unpack_geometry(const float* table, const std::uint32_t* ids, std::size_t count,
                       std::size_t first_slot, const GaussianArrays& a) override {
    compute_.host_task([=] {
#pragma omp parallel for schedule(static) if (count > 8192)
      for (long long i = 0; i < static_cast<long long>(count); ++i)
        write_geometry(a, first_slot + i, table + std::size_t{ids[i]} * kGeometryWidth);
    });
  }

  void store_geometry_gradients(const std::vector<std::uint32_t>& slots, const std::uint32_t* ids,
                                const GaussianArrays& g, const GeometryTable& table) override {
    compute_.host_task([=] {
#pragma omp parallel for schedule(static) if (slots.size() > 8192)
      for (long long i = 0; i < static_cast<long long>(slots.size()); ++i) {
        read_geometry(g, slots[i], table.gradients + std::size_t{ids[i]} * kGeometryWidth);
        if (table.touched) table.touched[ids[i]] = 1;
      }
    });
  }

  void adam_geometry(const GeometryTable& t, const GeometryAdamStep& s) override {
    compute_.host_task([=] {
#pragma omp parallel for schedule(static)
      for (long long row = 0; row < static_cast<long long>(t.rows); ++row) {
        const std::size_t at = static_cast<std::size_t>(row) * kGeometryWidth;
        if (s.sparse) {
          if (!t.touched[row]) continue;
          t.touched[row] = 0;
          const int step = ++t.steps[row];
          float sizes[kGeometryRowFloats];
          geometry_step_sizes(s.rates, s.hyper, step, sizes);
          adam_geometry_row(t.values + at, t.first_moment + at, t.second_moment + at,
                            t.gradients + at, s.grad_scale, sizes,
                            adam_scaled_epsilon(s.hyper, step), s.hyper);
        } else {
          adam_geometry_row(t.values + at, t.first_moment + at, t.second_moment + at,
                            t.gradients + at, s.grad_scale, s.dense.sizes, s.dense.eps_scaled,
                            s.hyper);
          if (t.steps) t.steps[row] = s.step;
        }
        std::fill_n(t.gradients + at, kGeometryWidth, 0.0f);
      }
    });
  }

  void geometry_spheres(const GeometryTable& t, float* spheres) override {
    compute_.host_task([=] {
#pragma omp parallel for schedule(static) if (t.rows > 8192)
      for (long long row = 0; row < static_cast<long long>(t.rows); ++row) {
        const float* g = t.values + static_cast<std::size_t>(row) * kGeometryWidth;
        float* out = spheres + static_cast<std::size_t>(row) * 4;
        for (int a = 0; a < 3; ++a) out[a] = g[a];
        out[3] = culling_radius(g + 3);
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
