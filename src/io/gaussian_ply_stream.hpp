// A 3DGS PLY written chunk by chunk, for models too large to hold at once (generated city
// scenes): the header carries the final count, then each chunk's rows follow as they are made.
// The same layout as write_gaussian_ply, and just as atomic: a failure part-way (an exception
// from the producer, a full disk, a wrong total) leaves any existing file untouched.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "model/gaussian_model.hpp"
#include "model/model_reader.hpp"

namespace splat {

// Where a producer puts its chunks; rows are written in the order they arrive.
class GaussianPlyChunks {
 public:
  GaussianPlyChunks(std::ostream& out, const std::string& path, std::size_t count, int sh_degree);
  // Appends every row of `chunk`; its SH degree must be the file's, and the total must stay
  // within the count the header promised.
  void append(const GaussianModel& chunk);
  std::size_t written() const { return written_; }

 private:
  std::ostream& out_;
  const std::string& path_;
  std::size_t count_;
  int sh_degree_;
  std::size_t written_ = 0;
  std::vector<float> rows_;  // reused between chunks
};

// Writes `count` Gaussians of degree `sh_degree` to `path`; `produce` appends them in chunks.
void write_gaussian_ply_chunked(const std::string& path, std::size_t count, int sh_degree,
                                const std::function<void(GaussianPlyChunks&)>& produce);

// The parameters of a model held elsewhere (the offload store), read and written in chunks.
void write_gaussian_ply(const std::string& path, const ModelReader& model);

}  // namespace splat
