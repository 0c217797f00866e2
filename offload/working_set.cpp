#include "offload/working_set.hpp"

#include "core/error.hpp"
#include "model/gaussian_model.hpp"
#include "offload/gaussian_store.hpp"

namespace splat {

namespace {
std::size_t row_floats(int sh_degree) {
  return kGeometryWidth + static_cast<std::size_t>(sh_coefficient_count(sh_degree)) * 3;
}
}  // namespace

std::size_t WorkingSet::bytes_per_row(int sh_degree) {
  return (2 * row_floats(sh_degree) + 3) * sizeof(float);
}

WorkingSet::Arrays WorkingSet::allocate(DeviceArena& arena, std::size_t capacity, int sh_degree,
                                        const char* what) {
  const std::size_t widths[5] = {3, 3, 4, 1,
                                 static_cast<std::size_t>(sh_coefficient_count(sh_degree)) * 3};
  Arrays a;
  for (int i = 0; i < 5; ++i) a[i] = arena.allocate(capacity * widths[i] * sizeof(float), what);
  return a;
}

WorkingSet::WorkingSet(DeviceArena& arena, std::size_t capacity, int sh_degree)
    : capacity_(capacity), sh_degree_(sh_degree) {
  SPLAT_REQUIRE(capacity > 0, "the working set needs room for at least one Gaussian");
  params_ = allocate(arena, capacity, sh_degree, "offload: working-set parameters");
  grads_ = allocate(arena, capacity, sh_degree, "offload: working-set gradients");
  screen_grad_ = arena.allocate(capacity * 2 * sizeof(float), "offload: screen gradients");
  radii_ = arena.allocate(capacity * sizeof(float), "offload: screen radii");
}

GaussianArrays WorkingSet::arrays(Arrays& a, std::size_t count) {
  SPLAT_REQUIRE(count <= capacity_, "working set: ", count, " rows exceed its capacity ",
                capacity_);
  return {a[0].as<float>(), a[1].as<float>(), a[2].as<float>(),
          a[3].as<float>(), a[4].as<float>(), count,
          sh_degree_};
}

}  // namespace splat
