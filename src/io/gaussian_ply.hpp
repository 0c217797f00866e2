// Trained models as PLY files in the standard 3DGS layout, which common splat viewers read:
// binary little-endian float vertices with x, y, z, nx, ny, nz, f_dc_0..2, f_rest_0..(3K-4)
// channel-major, opacity (logit), scale_0..2 (log), rot_0..3 (w, x, y, z).
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "model/gaussian_model.hpp"
#include "model/model_reader.hpp"

namespace splat {

// Written atomically: a failure leaves an existing file untouched.
void write_gaussian_ply(const std::string& path, const GaussianModel& model);

// Reads a 3DGS PLY (float or double properties, any property order, extra properties ignored).
// The SH degree follows from the number of f_rest properties. Truncated files, missing
// properties and non-finite values are errors naming the file.
GaussianModel read_gaussian_ply(const std::string& path);

// A 3DGS PLY opened for reading in row ranges: the header is parsed and checked once (format,
// properties, size against the vertex count), rows are read on demand and their values checked
// as read. What read_gaussian_ply reads the whole file with.
class GaussianPlyFile {
 public:
  explicit GaussianPlyFile(const std::string& path);
  std::size_t size() const { return vertices_; }
  int sh_degree() const { return sh_degree_; }
  // Rows [begin, end) as a model of end - begin rows.
  void read_rows(std::size_t begin, std::size_t end, GaussianModel& out) const;

 private:
  struct Property {
    std::string name;  // empty: a non-float property, skipped
    int bytes;         // 4 (float) or 8 (double); negative for skipped ones
    std::size_t offset;
  };
  std::string path_;
  mutable std::ifstream in_;
  std::streampos data_start_;
  std::size_t vertices_ = 0, stride_ = 0;
  int sh_degree_ = 0;
  std::vector<std::string> names_;               // the 3DGS layout's properties, in order
  std::vector<std::optional<Property>> wanted_;  // each one's place in a row (normals optional)
};

// A PLY as a ModelReader, read in row ranges (moments and steps read as zero, as a new run
// starts them): a model can be surveyed or planned without holding it in memory.
class GaussianPlyReader final : public ModelReader {
 public:
  explicit GaussianPlyReader(const std::string& path);
  std::size_t size() const override { return file_.size(); }
  int sh_degree() const override { return file_.sh_degree(); }
  void read(int state, Attribute attribute, std::size_t begin, std::size_t end,
            float* out) const override;
  void read_steps(std::size_t begin, std::size_t end, std::int32_t* out) const override;

 private:
  GaussianPlyFile file_;
  mutable GaussianModel cached_;  // the last range read, for the next attribute of it
  mutable std::size_t cached_begin_ = 0, cached_end_ = 0;
  mutable bool cached_valid_ = false;
};

}  // namespace splat
