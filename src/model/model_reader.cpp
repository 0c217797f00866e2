#include "model/model_reader.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace splat {

std::size_t attribute_width(Attribute a, int sh_degree) {
  switch (a) {
    case Attribute::Means:
    case Attribute::LogScales:
      return 3;
    case Attribute::Rotations:
      return 4;
    case Attribute::OpacityLogits:
      return 1;
    case Attribute::Sh:
      return static_cast<std::size_t>(sh_coefficient_count(sh_degree)) * 3;
  }
  return 0;
}

void read_parameters(const ModelReader& reader, std::size_t begin, std::size_t end,
                     GaussianModel& out) {
  out.sh_degree = reader.sh_degree();
  out.resize(end - begin);
  std::vector<float>* arrays[kAttributeCount] = {&out.means, &out.log_scales, &out.rotations,
                                                 &out.opacity_logits, &out.sh};
  for (int a = 0; a < kAttributeCount; ++a)
    reader.read(0, static_cast<Attribute>(a), begin, end, arrays[a]->data());
}

TrainableGaussians read_trainable(const ModelReader& reader, std::size_t begin, std::size_t end) {
  TrainableGaussians g;
  GaussianModel* models[3] = {&g.params, &g.adam_m, &g.adam_v};
  for (int state = 0; state < 3; ++state) {
    GaussianModel& m = *models[state];
    m.sh_degree = reader.sh_degree();
    m.resize(end - begin);
    std::vector<float>* arrays[kAttributeCount] = {&m.means, &m.log_scales, &m.rotations,
                                                   &m.opacity_logits, &m.sh};
    for (int a = 0; a < kAttributeCount; ++a)
      reader.read(state, static_cast<Attribute>(a), begin, end, arrays[a]->data());
  }
  g.adam_steps.resize(end - begin);
  reader.read_steps(begin, end, g.adam_steps.data());
  return g;
}

void TrainableGaussiansReader::read(int state, Attribute attribute, std::size_t begin,
                                    std::size_t end, float* out) const {
  SPLAT_REQUIRE(state >= 0 && state < 3 && begin <= end && end <= g_.size(), "model reader: rows ",
                begin, "..", end, " of state ", state, " out of range");
  const GaussianModel* models[3] = {&g_.params, &g_.adam_m, &g_.adam_v};
  const GaussianModel& m = *models[state];
  const std::vector<float>* arrays[kAttributeCount] = {&m.means, &m.log_scales, &m.rotations,
                                                       &m.opacity_logits, &m.sh};
  const std::size_t w = attribute_width(attribute, m.sh_degree);
  const std::vector<float>& values = *arrays[static_cast<int>(attribute)];
  std::copy(values.begin() + begin * w, values.begin() + end * w, out);
}

void TrainableGaussiansReader::read_steps(std::size_t begin, std::size_t end,
                                          std::int32_t* out) const {
  SPLAT_REQUIRE(begin <= end && end <= g_.adam_steps.size(), "model reader: steps ", begin, "..",
                end, " out of range");
  std::copy(g_.adam_steps.begin() + begin, g_.adam_steps.begin() + end, out);
}

}  // namespace splat
