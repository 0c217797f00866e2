#include "io/gaussian_ply.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "io/gaussian_ply_layout.hpp"

namespace splat {

namespace {

int degree_for_rest_count(int rest, const std::string& path) {
  for (int degree = 0; degree <= 3; ++degree)
    if (rest == 3 * ((degree + 1) * (degree + 1) - 1)) return degree;
  fail(path, ": ", rest, " f_rest properties match no SH degree (0, 9, 24 or 45 expected)");
}

}  // namespace

void write_gaussian_ply(const std::string& path, const GaussianModel& m) {
  write_file_atomically(path, [&](std::ostream& out) {
    out << gaussian_ply_header(m.size(), m.sh_degree);
    std::vector<float> row;
    for (std::size_t i = 0; i < m.size(); ++i) {
      row.clear();
      append_gaussian_ply_row(m, i, row);
      out.write(reinterpret_cast<const char*>(row.data()),
                static_cast<std::streamsize>(row.size() * sizeof(float)));
    }
  });
}

GaussianPlyFile::GaussianPlyFile(const std::string& path)
    : path_(path), in_(path, std::ios::binary) {
  SPLAT_REQUIRE(in_, path, ": cannot open the PLY file");
  std::string line;
  std::getline(in_, line);
  SPLAT_REQUIRE(line == "ply" || line == "ply\r", path, ": not a PLY file (no 'ply' magic)");
  bool have_vertices = false, in_vertex = false;
  std::vector<Property> properties;
  for (int lines = 0;; ++lines) {
    SPLAT_REQUIRE(lines < 10000 && std::getline(in_, line), path,
                  ": the PLY header does not end (no end_header)");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream words(line);
    std::string word;
    words >> word;
    if (word == "end_header") break;
    if (word == "format") {
      std::string format;
      words >> format;
      SPLAT_REQUIRE(format == "binary_little_endian", path, ": PLY format '", format,
                    "' is not supported (binary_little_endian expected)");
    } else if (word == "element") {
      std::string name;
      long long count = -1;
      words >> name >> count;
      in_vertex = name == "vertex";
      if (in_vertex) {
        SPLAT_REQUIRE(count >= 0, path, ": bad vertex count in '", line, "'");
        vertices_ = static_cast<std::size_t>(count);
        have_vertices = true;
      } else {
        SPLAT_REQUIRE(!have_vertices, path, ": elements after 'vertex' are not supported");
      }
    } else if (word == "property" && in_vertex) {
      std::string type, name;
      words >> type >> name;
      SPLAT_REQUIRE(type != "list", path, ": list properties on vertices are not supported");
      int bytes = 0;
      if (type == "float" || type == "float32")
        bytes = 4;
      else if (type == "double" || type == "float64")
        bytes = 8;
      else if (type == "uchar" || type == "uint8" || type == "char" || type == "int8")
        bytes = 1;
      else if (type == "short" || type == "ushort" || type == "int16" || type == "uint16")
        bytes = 2;
      else if (type == "int" || type == "uint" || type == "int32" || type == "uint32")
        bytes = 4;
      else
        fail(path, ": unknown PLY property type '", type, "'");
      const bool real = type.rfind("float", 0) == 0 || type == "double";
      properties.push_back({real ? name : "", real ? bytes : -bytes, stride_});
      stride_ += static_cast<std::size_t>(bytes);
    }
  }
  SPLAT_REQUIRE(have_vertices, path, ": the PLY file has no vertex element");
  std::map<std::string, const Property*> by_name;
  int rest = 0;
  for (const auto& p : properties) {
    if (p.name.empty()) continue;
    by_name[p.name] = &p;
    rest += p.name.rfind("f_rest_", 0) == 0;
  }
  sh_degree_ = degree_for_rest_count(rest, path);
  names_ = gaussian_ply_property_names(sh_coefficient_count(sh_degree_));
  for (const auto& name : names_) {
    if (name[0] == 'n' && name.size() == 2) {  // normals are optional
      wanted_.push_back(std::nullopt);
      continue;
    }
    const auto it = by_name.find(name);
    SPLAT_REQUIRE(it != by_name.end(), path, ": the PLY file lacks the property '", name, "'");
    wanted_.push_back(*it->second);
  }
  data_start_ = in_.tellg();
  in_.seekg(0, std::ios::end);
  const auto available = static_cast<std::size_t>(in_.tellg() - data_start_);
  SPLAT_REQUIRE(stride_ > 0 && available / stride_ >= vertices_, path,
                ": the PLY file is truncated: ", vertices_, " vertices of ", stride_,
                " bytes need ", vertices_ * stride_, " bytes, the file has ", available);
}

void GaussianPlyFile::read_rows(std::size_t begin, std::size_t end, GaussianModel& m) const {
  SPLAT_REQUIRE(begin <= end && end <= vertices_, path_, ": rows [", begin, ", ", end,
                ") are outside its ", vertices_, " vertices");
  m.sh_degree = sh_degree_;
  m.resize(end - begin);
  const int k = m.sh_coefficients();
  // One read per block of rows rather than per row.
  constexpr std::size_t kBlockRows = 4096;
  std::vector<char> block(kBlockRows * stride_);
  std::vector<float> values(names_.size());
  in_.clear();
  in_.seekg(data_start_ + static_cast<std::streamoff>(begin * stride_));
  for (std::size_t first = begin; first < end; first += kBlockRows) {
    const std::size_t rows = std::min(kBlockRows, end - first);
    in_.read(block.data(), static_cast<std::streamsize>(rows * stride_));
    SPLAT_REQUIRE(in_, path_, ": read error at vertex ", first);
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t vertex = first + r;
      const char* row = block.data() + r * stride_;
      for (std::size_t v = 0; v < names_.size(); ++v) {
        if (!wanted_[v]) continue;
        const Property& p = *wanted_[v];
        double value;
        if (p.bytes == 4) {
          float f;
          std::memcpy(&f, row + p.offset, 4);
          value = f;
        } else {
          std::memcpy(&value, row + p.offset, 8);
        }
        SPLAT_REQUIRE(std::isfinite(value), path_, ": vertex ", vertex, " has a non-finite ",
                      names_[v]);
        values[v] = static_cast<float>(value);
      }
      const std::size_t i = vertex - begin;
      std::size_t v = 0;
      for (int a = 0; a < 3; ++a) m.means[i * 3 + a] = values[v++];
      v += 3;
      float* sh = &m.sh[i * k * 3];
      for (int c = 0; c < 3; ++c) sh[c] = values[v++];
      for (int c = 0; c < 3; ++c)
        for (int j = 1; j < k; ++j) sh[j * 3 + c] = values[v++];
      m.opacity_logits[i] = values[v++];
      for (int a = 0; a < 3; ++a) m.log_scales[i * 3 + a] = values[v++];
      for (int a = 0; a < 4; ++a) m.rotations[i * 4 + a] = values[v++];
    }
  }
}

GaussianModel read_gaussian_ply(const std::string& path) {
  const GaussianPlyFile file(path);
  GaussianModel m;
  file.read_rows(0, file.size(), m);
  return m;
}

GaussianPlyReader::GaussianPlyReader(const std::string& path) : file_(path) {}

void GaussianPlyReader::read(int state, Attribute attribute, std::size_t begin, std::size_t end,
                             float* out) const {
  const std::size_t width = attribute_width(attribute, file_.sh_degree());
  if (state != 0) {  // a PLY stores parameters only: the moments of a new run are zero
    std::fill(out, out + (end - begin) * width, 0.0f);
    return;
  }
  // Callers read several attributes of one range in turn: the range is decoded once.
  if (!cached_valid_ || begin != cached_begin_ || end != cached_end_) {
    cached_valid_ = false;  // until the read succeeds
    file_.read_rows(begin, end, cached_);
    cached_begin_ = begin, cached_end_ = end;
    cached_valid_ = true;
  }
  const std::vector<float>* arrays[kAttributeCount] = {&cached_.means, &cached_.log_scales,
                                                       &cached_.rotations, &cached_.opacity_logits,
                                                       &cached_.sh};
  const std::vector<float>& values = *arrays[static_cast<int>(attribute)];
  std::copy(values.begin(), values.begin() + (end - begin) * width, out);
}

void GaussianPlyReader::read_steps(std::size_t begin, std::size_t end, std::int32_t* out) const {
  std::fill(out, out + (end - begin), 0);
}

}  // namespace splat
