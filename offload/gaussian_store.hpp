// Every Gaussian's parameters and Adam state in pinned host memory. Rows are grouped by what
// streams together — geometry (mean, log-scale, rotation, opacity: 11 floats) and appearance
// (SH: (d+1)^2 x 3 floats) — so a gather of one group reads one contiguous row per Gaussian.
// Storage is a list of fixed-size chunks: growing by densification adds chunks and never
// copies the store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "model/model_reader.hpp"
#include "model/trainable_gaussians.hpp"

namespace splat {

enum class ParamGroup { Geometry = 0, Appearance = 1 };
enum class ParamState { Value = 0, FirstMoment = 1, SecondMoment = 2 };

constexpr std::size_t kGeometryWidth = 11;  // mean 3, log-scale 3, rotation 4, opacity 1

class GaussianStore {
 public:
  static constexpr std::size_t kChunkRows = std::size_t{1} << 16;

  GaussianStore(Backend& backend, int sh_degree);

  std::size_t size() const { return size_; }
  int sh_degree() const { return sh_degree_; }
  std::size_t width(ParamGroup group) const;
  // Grows (adding zeroed chunks) or shrinks (releasing whole unused chunks).
  void resize(std::size_t rows);

  float* row(ParamGroup group, ParamState state, std::size_t index);
  const float* row(ParamGroup group, ParamState state, std::size_t index) const;
  std::int32_t& adam_steps(std::size_t index);
  std::int32_t adam_steps(std::size_t index) const {
    return const_cast<GaussianStore*>(this)->adam_steps(index);
  }

  // Copies the rows `ids[0..count)` of one group's values into `out` (count x width floats),
  // in parallel.
  void gather(ParamGroup group, ParamState state, const std::uint32_t* ids, std::size_t count,
              float* out) const;
  // The inverse: writes count x width floats from `in` into the rows `ids`.
  void scatter(ParamGroup group, ParamState state, const std::uint32_t* ids, std::size_t count,
               const float* in);

  // Densification in place: no second copy of the store is ever made.
  // Appends copies of `rows` (values; zero moments; the source rows' step counts).
  void append_copies(const std::vector<std::size_t>& rows);
  // Keeps the rows whose mask entry is nonzero, in order (compaction within the chunks; whole
  // chunks past the new end are released).
  void keep_rows(const std::vector<std::uint8_t>& keep);

  // Moves row new_to_old[i] to row i for every row, in place (cycle by cycle, one row held
  // aside): a reordering costs no second copy of the store.
  void permute_rows(const std::vector<std::uint32_t>& new_to_old);

  // Whole-model conversion, for checkpoints, export and pushing an edited model.
  void load(const TrainableGaussians& g);
  // The same from a model held elsewhere (a mapped checkpoint), chunk by chunk.
  void load(const ModelReader& model);
  TrainableGaussians to_trainable() const;

  // Host bytes each Gaussian costs (values and both moments of both groups, plus its step).
  std::size_t bytes_per_gaussian() const;
  std::size_t reserved_bytes() const;

 private:
  struct Chunk {
    Buffer memory;  // [group][state] blocks of kChunkRows x width floats, then the steps
  };
  std::size_t block_offset(ParamGroup group, ParamState state) const;

  Backend& backend_;
  int sh_degree_;
  std::size_t appearance_width_;
  std::size_t chunk_bytes_;
  std::size_t size_ = 0;
  std::vector<Chunk> chunks_;
};

}  // namespace splat
