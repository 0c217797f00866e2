#include "model/trainable_gaussians.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "model/row_permutation.hpp"

namespace splat {

std::vector<RowArrayRef> row_arrays(GaussianModel& model) {
  return {{&model.means, 3},
          {&model.log_scales, 3},
          {&model.rotations, 4},
          {&model.opacity_logits, 1},
          {&model.sh, static_cast<std::size_t>(model.sh_coefficients()) * 3}};
}

void TrainableGaussians::reset_optimizer_state() {
  for (GaussianModel* moments : {&adam_m, &adam_v}) {
    moments->sh_degree = params.sh_degree;
    moments->resize(0);
    moments->resize(params.size());  // value-initialised: zeros
  }
  adam_steps.assign(params.size(), 0);
}

namespace {
template <class Fn>
void for_each_array(TrainableGaussians& g, Fn&& fn) {
  for (GaussianModel* model : {&g.params, &g.adam_m, &g.adam_v})
    for (const RowArrayRef& array : row_arrays(*model)) fn(*array.values, array.width);
}
}  // namespace

void keep_rows(TrainableGaussians& g, const std::vector<std::uint8_t>& keep) {
  const std::size_t n = g.size();
  SPLAT_REQUIRE(keep.size() == n, "keep_rows: mask has ", keep.size(), " rows, model has ", n);
  for_each_array(g, [&](std::vector<float>& values, std::size_t width) {
    std::size_t out = 0;
    for (std::size_t row = 0; row < n; ++row) {
      if (!keep[row]) continue;
      if (out != row)
        std::copy_n(values.begin() + row * width, width, values.begin() + out * width);
      ++out;
    }
    values.resize(out * width);
  });
  std::size_t out = 0;
  for (std::size_t row = 0; row < n; ++row)
    if (keep[row]) g.adam_steps[out++] = g.adam_steps[row];
  g.adam_steps.resize(out);
}

namespace {

// Every row array of `models` (and `steps`, when given) moved together, one row held aside.
void permute_models(std::vector<GaussianModel*> models, std::vector<std::int32_t>* steps,
                    const std::vector<std::uint32_t>& new_to_old) {
  std::vector<RowArrayRef> arrays;
  std::size_t row_floats = 0;
  for (GaussianModel* m : models)
    for (const RowArrayRef& a : row_arrays(*m)) {
      arrays.push_back(a);
      row_floats += a.width;
    }
  std::vector<float> held(row_floats);
  std::int32_t held_steps = 0;
  permute_in_place(new_to_old, [&](std::size_t to, std::size_t from) {
    std::size_t offset = 0;
    for (const RowArrayRef& a : arrays) {
      const float* src = from == kHeldRow ? &held[offset] : a.values->data() + from * a.width;
      float* dst = to == kHeldRow ? &held[offset] : a.values->data() + to * a.width;
      std::copy_n(src, a.width, dst);
      offset += a.width;
    }
    if (steps) {
      const std::int32_t s = from == kHeldRow ? held_steps : (*steps)[from];
      (to == kHeldRow ? held_steps : (*steps)[to]) = s;
    }
  });
}

}  // namespace

void permute_rows(GaussianModel& model, const std::vector<std::uint32_t>& new_to_old) {
  check_permutation(new_to_old, model.size());
  permute_models({&model}, nullptr, new_to_old);
}

void permute_rows(TrainableGaussians& g, const std::vector<std::uint32_t>& new_to_old) {
  check_permutation(new_to_old, g.size());
  std::vector<GaussianModel*> models{&g.params};
  // A model without optimizer state (a fresh one) has no moments or steps to move.
  for (GaussianModel* m : {&g.adam_m, &g.adam_v})
    if (m->size() == g.size()) models.push_back(m);
  permute_models(models, g.adam_steps.size() == g.size() ? &g.adam_steps : nullptr, new_to_old);
}

void append_copies(TrainableGaussians& g, const std::vector<std::size_t>& source_rows) {
  const std::size_t n = g.size();
  for (std::size_t row : source_rows)
    SPLAT_REQUIRE(row < n, "append_copies: row ", row, " out of range (", n, " rows)");
  for (const RowArrayRef& array : row_arrays(g.params)) {
    std::vector<float>& values = *array.values;
    values.resize((n + source_rows.size()) * array.width);
    for (std::size_t i = 0; i < source_rows.size(); ++i)
      std::copy_n(values.begin() + source_rows[i] * array.width, array.width,
                  values.begin() + (n + i) * array.width);
  }
  // New rows start with zero moments, as the reference implementation's optimizer does.
  for (GaussianModel* moments : {&g.adam_m, &g.adam_v})
    for (const RowArrayRef& array : row_arrays(*moments))
      array.values->resize((n + source_rows.size()) * array.width, 0.0f);
  g.adam_steps.resize(n + source_rows.size());
  for (std::size_t i = 0; i < source_rows.size(); ++i)
    g.adam_steps[n + i] = g.adam_steps[source_rows[i]];
}

}  // namespace splat
