#include "io/gaussian_ply_stream.hpp"

#include <ostream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "io/gaussian_ply_layout.hpp"

namespace splat {

GaussianPlyChunks::GaussianPlyChunks(std::ostream& out, const std::string& path, std::size_t count,
                                     int sh_degree)
    : out_(out), path_(path), count_(count), sh_degree_(sh_degree) {}

void GaussianPlyChunks::append(const GaussianModel& chunk) {
  SPLAT_REQUIRE(chunk.sh_degree == sh_degree_, path_, ": a chunk of SH degree ", chunk.sh_degree,
                " in a file of degree ", sh_degree_);
  SPLAT_REQUIRE(chunk.size() <= count_ - written_, path_, ": more Gaussians than the ", count_,
                " the header promised");
  rows_.clear();
  for (std::size_t i = 0; i < chunk.size(); ++i) append_gaussian_ply_row(chunk, i, rows_);
  out_.write(reinterpret_cast<const char*>(rows_.data()),
             static_cast<std::streamsize>(rows_.size() * sizeof(float)));
  SPLAT_REQUIRE(out_.good(), path_, ": write failed (disk full?)");
  written_ += chunk.size();
}

void write_gaussian_ply_chunked(const std::string& path, std::size_t count, int sh_degree,
                                const std::function<void(GaussianPlyChunks&)>& produce) {
  write_file_atomically(path, [&](std::ostream& out) {
    out << gaussian_ply_header(count, sh_degree);
    GaussianPlyChunks chunks(out, path, count, sh_degree);
    produce(chunks);
    SPLAT_REQUIRE(chunks.written() == count, path, ": ", chunks.written(),
                  " Gaussians written but the header promised ", count);
  });
}

void write_gaussian_ply(const std::string& path, const ModelReader& model) {
  constexpr std::size_t kChunkRows = std::size_t{1} << 16;
  write_gaussian_ply_chunked(path, model.size(), model.sh_degree(), [&](GaussianPlyChunks& out) {
    GaussianModel chunk;
    for (std::size_t begin = 0; begin < model.size(); begin += kChunkRows) {
      read_parameters(model, begin, std::min(model.size(), begin + kChunkRows), chunk);
      out.append(chunk);
    }
  });
}

}  // namespace splat
