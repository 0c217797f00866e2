#include "offload/store_model_reader.hpp"

#include <cstring>

#include "core/error.hpp"

namespace splat {

namespace {
// Where an attribute sits in the store's grouped rows: geometry is mean 3, log-scale 3,
// rotation 4, opacity 1; appearance is the SH.
struct Columns {
  ParamGroup group;
  std::size_t first;
};
Columns columns_of(Attribute a) {
  switch (a) {
    case Attribute::Means:
      return {ParamGroup::Geometry, 0};
    case Attribute::LogScales:
      return {ParamGroup::Geometry, 3};
    case Attribute::Rotations:
      return {ParamGroup::Geometry, 6};
    case Attribute::OpacityLogits:
      return {ParamGroup::Geometry, 10};
    case Attribute::Sh:
      break;
  }
  return {ParamGroup::Appearance, 0};
}
}  // namespace

void StoreModelReader::read(int state, Attribute attribute, std::size_t begin, std::size_t end,
                            float* out) const {
  SPLAT_REQUIRE(state >= 0 && state < 3 && begin <= end && end <= store_.size(),
                "store reader: rows ", begin, "..", end, " of state ", state, " out of range");
  const Columns c = columns_of(attribute);
  const std::size_t w = attribute_width(attribute, store_.sh_degree());
  const auto s = static_cast<ParamState>(state);
  // Chunk by chunk: with the disk tier each one is read in (and the next ahead) as it comes.
  auto& store = const_cast<GaussianStore&>(store_);
  store.for_each_chunk(
      false,
      [&](std::size_t b, std::size_t e) {
#pragma omp parallel for schedule(static) if (e - b > 8192)
        for (long long r = static_cast<long long>(b); r < static_cast<long long>(e); ++r)
          std::memcpy(out + (r - begin) * w, store_.row(c.group, s, r) + c.first,
                      w * sizeof(float));
      },
      begin, end);
}

void StoreModelReader::read_steps(std::size_t begin, std::size_t end, std::int32_t* out) const {
  SPLAT_REQUIRE(begin <= end && end <= store_.size(), "store reader: steps ", begin, "..", end,
                " out of range");
  for (std::size_t r = begin; r < end; ++r) out[r - begin] = store_.adam_steps(r);
}

}  // namespace splat
