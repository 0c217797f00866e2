#include "offload/gaussian_store.hpp"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "core/error.hpp"
#include "model/row_permutation.hpp"

namespace splat {

GaussianStore::GaussianStore(Backend& backend, int sh_degree, std::size_t chunk_rows)
    : backend_(backend),
      sh_degree_(sh_degree),
      appearance_width_(static_cast<std::size_t>(sh_coefficient_count(sh_degree)) * 3),
      chunk_rows_(chunk_rows) {
  SPLAT_REQUIRE(chunk_rows_ > 0 && chunk_rows_ % kChunkRowsMultiple == 0, "store chunks of ",
                chunk_rows_, " rows: a multiple of ", kChunkRowsMultiple, " is needed");
  chunk_bytes_ = 3 * (kGeometryWidth + appearance_width_) * chunk_rows_ * sizeof(float) +
                 chunk_rows_ * sizeof(std::int32_t);
}

std::size_t GaussianStore::width(ParamGroup group) const {
  return group == ParamGroup::Geometry ? kGeometryWidth : appearance_width_;
}

std::size_t GaussianStore::block_offset(ParamGroup group, ParamState state) const {
  // Geometry's three blocks first, then appearance's; offsets in floats.
  const std::size_t s = static_cast<std::size_t>(state);
  if (group == ParamGroup::Geometry) return s * kGeometryWidth * chunk_rows_;
  return (3 * kGeometryWidth + s * appearance_width_) * chunk_rows_;
}

void GaussianStore::resize(std::size_t rows) {
  finish_read_ahead();
  const std::size_t needed = (rows + chunk_rows_ - 1) / chunk_rows_;
  while (chunks_.size() < needed) {
    Chunk chunk;
    // With the disk tier a new chunk takes memory when first used (as zeros), within the budget.
    if (!spill_) {
      chunk.memory = Buffer::allocate(backend_, MemorySpace::PinnedHost, chunk_bytes_);
      std::memset(chunk.memory.data(), 0, chunk_bytes_);
    }
    chunks_.push_back(std::move(chunk));
  }
  for (std::size_t c = needed; c < chunks_.size(); ++c) drop_chunk(chunks_[c]);
  chunks_.resize(needed);
  if (spill_) {
    next_use_.resize(needed, std::numeric_limits<std::uint32_t>::max());
    for (std::size_t& r : recent_)
      if (r != kNoSlot && r >= needed) r = kNoSlot;
  }
  // Rows past the new end of the last chunk are cleared so a later growth starts from zeros.
  if (rows < size_ && rows % chunk_rows_ != 0) {
    for (ParamGroup group : {ParamGroup::Geometry, ParamGroup::Appearance})
      for (ParamState state :
           {ParamState::Value, ParamState::FirstMoment, ParamState::SecondMoment}) {
        const std::size_t w = width(group);
        const std::size_t end = std::min(size_, needed * chunk_rows_);
        for (std::size_t r = rows; r < end; ++r)
          std::memset(row(group, state, r), 0, w * sizeof(float));
      }
    for (std::size_t r = rows; r < std::min(size_, needed * chunk_rows_); ++r) adam_steps(r) = 0;
  }
  size_ = rows;
}

float* GaussianStore::row(ParamGroup group, ParamState state, std::size_t index) {
  float* base = chunk_data(index / chunk_rows_, true);
  return base + block_offset(group, state) + (index % chunk_rows_) * width(group);
}

const float* GaussianStore::row(ParamGroup group, ParamState state, std::size_t index) const {
  const float* base = chunk_data(index / chunk_rows_, false);
  return base + block_offset(group, state) + (index % chunk_rows_) * width(group);
}

std::int32_t& GaussianStore::adam_steps(std::size_t index) {
  auto* base =
      reinterpret_cast<std::int32_t*>(chunk_data(index / chunk_rows_, true) +
                                      3 * (kGeometryWidth + appearance_width_) * chunk_rows_);
  return base[index % chunk_rows_];
}

std::int32_t GaussianStore::adam_steps(std::size_t index) const {
  const auto* base =
      reinterpret_cast<const std::int32_t*>(chunk_data(index / chunk_rows_, false) +
                                            3 * (kGeometryWidth + appearance_width_) * chunk_rows_);
  return base[index % chunk_rows_];
}

void GaussianStore::gather(ParamGroup group, ParamState state, const std::uint32_t* ids,
                           std::size_t count, float* out) const {
  const std::size_t w = width(group);
#pragma omp parallel for schedule(static) if (count > 4096)
  for (long long i = 0; i < static_cast<long long>(count); ++i)
    std::memcpy(out + i * w, row(group, state, ids[i]), w * sizeof(float));
}

void GaussianStore::scatter(ParamGroup group, ParamState state, const std::uint32_t* ids,
                            std::size_t count, const float* in) {
  const std::size_t w = width(group);
#pragma omp parallel for schedule(static) if (count > 4096)
  for (long long i = 0; i < static_cast<long long>(count); ++i)
    std::memcpy(row(group, state, ids[i]), in + i * w, w * sizeof(float));
}

void GaussianStore::append_copies(const std::vector<std::size_t>& rows) {
  const std::size_t n = size_;
  for (std::size_t r : rows)
    SPLAT_REQUIRE(r < n, "append_copies: row ", r, " out of range (", n, " rows)");
  resize(n + rows.size());
  const ParamState moments[2] = {ParamState::FirstMoment, ParamState::SecondMoment};
  // With the disk tier in order on one thread: chunks are paged in on demand.
#pragma omp parallel for schedule(static) if (rows.size() > 4096 && !spill_)
  for (long long i = 0; i < static_cast<long long>(rows.size()); ++i) {
    const std::size_t to = n + i;
    for (ParamGroup group : {ParamGroup::Geometry, ParamGroup::Appearance}) {
      const std::size_t bytes = width(group) * sizeof(float);
      std::memcpy(row(group, ParamState::Value, to), row(group, ParamState::Value, rows[i]), bytes);
      for (ParamState m : moments) std::memset(row(group, m, to), 0, bytes);
    }
    adam_steps(to) = adam_steps(rows[i]);
  }
}

void GaussianStore::keep_rows(const std::vector<std::uint8_t>& keep) {
  SPLAT_REQUIRE(keep.size() == size_, "keep_rows: mask has ", keep.size(), " rows, store has ",
                size_);
  // Serial and in order: a kept row only ever moves to a lower index, never over a row still
  // to be read.
  std::size_t out = 0;
  for (std::size_t r = 0; r < size_; ++r) {
    if (!keep[r]) continue;
    if (out != r) {
      for (ParamGroup group : {ParamGroup::Geometry, ParamGroup::Appearance})
        for (ParamState state :
             {ParamState::Value, ParamState::FirstMoment, ParamState::SecondMoment})
          std::memcpy(row(group, state, out), row(group, state, r), width(group) * sizeof(float));
      adam_steps(out) = adam_steps(r);
    }
    ++out;
  }
  resize(out);
}

void GaussianStore::permute_rows(const std::vector<std::uint32_t>& new_to_old) {
  check_permutation(new_to_old, size_);
  finish_read_ahead();
  if (spill_) return permute_spilled(new_to_old);
  // One Gaussian's six rows and its step count, held while its cycle turns.
  std::vector<float> held(3 * (kGeometryWidth + appearance_width_));
  std::int32_t held_steps = 0;
  permute_in_place(new_to_old, [&](std::size_t to, std::size_t from) {
    float* slot = held.data();
    for (ParamGroup group : {ParamGroup::Geometry, ParamGroup::Appearance})
      for (ParamState state :
           {ParamState::Value, ParamState::FirstMoment, ParamState::SecondMoment}) {
        const std::size_t w = width(group);
        const float* src = from == kHeldRow ? slot : row(group, state, from);
        float* dst = to == kHeldRow ? slot : row(group, state, to);
        std::memcpy(dst, src, w * sizeof(float));
        slot += w;
      }
    const std::int32_t steps = from == kHeldRow ? held_steps : adam_steps(from);
    (to == kHeldRow ? held_steps : adam_steps(to)) = steps;
  });
}

void GaussianStore::load(const TrainableGaussians& g) {
  SPLAT_REQUIRE(g.params.sh_degree == sh_degree_, "store holds SH degree ", sh_degree_,
                ", model has ", g.params.sh_degree);
  // A model without optimizer state (a fresh start) loads with zero moments and steps, so the
  // host never allocates moments the store would only copy.
  const bool moments = g.adam_m.size() == g.size() && g.adam_v.size() == g.size();
  const bool steps = g.adam_steps.size() == g.size();
  SPLAT_REQUIRE(moments || (g.adam_m.size() == 0 && g.adam_v.size() == 0),
                "store: the model's moments cover ", g.adam_m.size(), " and ", g.adam_v.size(),
                " of its ", g.size(), " Gaussians");
  resize(g.size());
  const GaussianModel* models[3] = {&g.params, &g.adam_m, &g.adam_v};
  const std::size_t aw = appearance_width_;
  for_each_chunk(true, [&](std::size_t begin, std::size_t end) {
#pragma omp parallel for schedule(static)
    for (long long i = static_cast<long long>(begin); i < static_cast<long long>(end); ++i) {
      if (!moments)
        for (ParamState s : {ParamState::FirstMoment, ParamState::SecondMoment}) {
          std::memset(row(ParamGroup::Geometry, s, i), 0, kGeometryWidth * sizeof(float));
          std::memset(row(ParamGroup::Appearance, s, i), 0, aw * sizeof(float));
        }
      for (int s = 0; s < (moments ? 3 : 1); ++s) {
        const GaussianModel& m = *models[s];
        float* geometry = row(ParamGroup::Geometry, static_cast<ParamState>(s), i);
        std::memcpy(geometry, &m.means[i * 3], 3 * sizeof(float));
        std::memcpy(geometry + 3, &m.log_scales[i * 3], 3 * sizeof(float));
        std::memcpy(geometry + 6, &m.rotations[i * 4], 4 * sizeof(float));
        geometry[10] = m.opacity_logits[i];
        std::memcpy(row(ParamGroup::Appearance, static_cast<ParamState>(s), i), &m.sh[i * aw],
                    aw * sizeof(float));
      }
      adam_steps(i) = steps ? g.adam_steps[i] : 0;
    }
  });
}

void GaussianStore::load(const ModelReader& model) {
  SPLAT_REQUIRE(model.sh_degree() == sh_degree_, "store holds SH degree ", sh_degree_,
                ", model has ", model.sh_degree());
  const std::size_t n = model.size();
  resize(n);
  // Attribute columns within the grouped rows (mean, log-scale, rotation, opacity; then SH).
  const std::size_t first[kAttributeCount] = {0, 3, 6, 10, 0};
  std::vector<float> buffer;
  std::vector<std::int32_t> steps;
  for_each_chunk(true, [&](std::size_t begin, std::size_t end) {
    for (int state = 0; state < 3; ++state)
      for (int a = 0; a < kAttributeCount; ++a) {
        const auto attribute = static_cast<Attribute>(a);
        const std::size_t w = attribute_width(attribute, sh_degree_);
        const ParamGroup group =
            attribute == Attribute::Sh ? ParamGroup::Appearance : ParamGroup::Geometry;
        buffer.resize((end - begin) * w);
        model.read(state, attribute, begin, end, buffer.data());
        const auto s = static_cast<ParamState>(state);
#pragma omp parallel for schedule(static)
        for (long long r = static_cast<long long>(begin); r < static_cast<long long>(end); ++r)
          std::memcpy(row(group, s, r) + first[a], buffer.data() + (r - begin) * w,
                      w * sizeof(float));
      }
    steps.resize(end - begin);
    model.read_steps(begin, end, steps.data());
    for (std::size_t r = begin; r < end; ++r) adam_steps(r) = steps[r - begin];
  });
}

TrainableGaussians GaussianStore::to_trainable() const {
  TrainableGaussians g;
  GaussianModel* models[3] = {&g.params, &g.adam_m, &g.adam_v};
  for (GaussianModel* m : models) {
    m->sh_degree = sh_degree_;
    m->resize(size_);
  }
  g.adam_steps.resize(size_);
  const std::size_t aw = appearance_width_;
  auto* self = const_cast<GaussianStore*>(this);
  self->for_each_chunk(false, [&](std::size_t begin, std::size_t end) {
#pragma omp parallel for schedule(static)
    for (long long i = static_cast<long long>(begin); i < static_cast<long long>(end); ++i) {
      for (int s = 0; s < 3; ++s) {
        GaussianModel& m = *models[s];
        const float* geometry = row(ParamGroup::Geometry, static_cast<ParamState>(s), i);
        std::memcpy(&m.means[i * 3], geometry, 3 * sizeof(float));
        std::memcpy(&m.log_scales[i * 3], geometry + 3, 3 * sizeof(float));
        std::memcpy(&m.rotations[i * 4], geometry + 6, 4 * sizeof(float));
        m.opacity_logits[i] = geometry[10];
        std::memcpy(&m.sh[i * aw], row(ParamGroup::Appearance, static_cast<ParamState>(s), i),
                    aw * sizeof(float));
      }
      g.adam_steps[i] = adam_steps(i);
    }
  });
  return g;
}

std::size_t GaussianStore::bytes_per_gaussian() const {
  return 3 * (kGeometryWidth + appearance_width_) * sizeof(float) + sizeof(std::int32_t);
}

std::size_t GaussianStore::reserved_bytes() const {
  if (spill_) return (resident_count_ + free_buffers_.size()) * chunk_bytes_;
  return chunks_.size() * chunk_bytes_;
}

}  // namespace splat
