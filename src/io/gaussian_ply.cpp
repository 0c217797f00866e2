#include "io/gaussian_ply.hpp"

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

struct PlyProperty {
  std::string name;
  int bytes;  // 4 (float) or 8 (double)
  std::size_t offset;
};

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

GaussianModel read_gaussian_ply(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  SPLAT_REQUIRE(in, path, ": cannot open the PLY file");
  std::string line;
  std::getline(in, line);
  SPLAT_REQUIRE(line == "ply" || line == "ply\r", path, ": not a PLY file (no 'ply' magic)");
  std::size_t vertices = 0;
  bool have_vertices = false, in_vertex = false;
  std::vector<PlyProperty> properties;
  std::size_t stride = 0;
  for (int lines = 0;; ++lines) {
    SPLAT_REQUIRE(lines < 10000 && std::getline(in, line), path,
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
        vertices = static_cast<std::size_t>(count);
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
      properties.push_back({real ? name : "", real ? bytes : -bytes, stride});
      stride += static_cast<std::size_t>(bytes);
    }
  }
  SPLAT_REQUIRE(have_vertices, path, ": the PLY file has no vertex element");
  std::map<std::string, const PlyProperty*> by_name;
  int rest = 0;
  for (const auto& p : properties) {
    if (p.name.empty()) continue;
    by_name[p.name] = &p;
    rest += p.name.rfind("f_rest_", 0) == 0;
  }
  GaussianModel m;
  m.sh_degree = degree_for_rest_count(rest, path);
  const auto names = gaussian_ply_property_names(m.sh_coefficients());
  std::vector<const PlyProperty*> wanted;
  for (const auto& name : names) {
    if (name[0] == 'n' && name.size() == 2) {  // normals are optional
      wanted.push_back(nullptr);
      continue;
    }
    const auto it = by_name.find(name);
    SPLAT_REQUIRE(it != by_name.end(), path, ": the PLY file lacks the property '", name, "'");
    wanted.push_back(it->second);
  }
  const auto data_start = in.tellg();
  in.seekg(0, std::ios::end);
  const auto available = static_cast<std::size_t>(in.tellg() - data_start);
  SPLAT_REQUIRE(stride > 0 && available / stride >= vertices, path,
                ": the PLY file is truncated: ", vertices, " vertices of ", stride, " bytes need ",
                vertices * stride, " bytes, the file has ", available);
  in.seekg(data_start);
  m.resize(vertices);
  const int k = m.sh_coefficients();
  std::vector<char> row(stride);
  std::vector<float> values(names.size());
  for (std::size_t i = 0; i < vertices; ++i) {
    in.read(row.data(), static_cast<std::streamsize>(stride));
    SPLAT_REQUIRE(in, path, ": read error at vertex ", i);
    for (std::size_t v = 0; v < names.size(); ++v) {
      const PlyProperty* p = wanted[v];
      if (!p) continue;
      double value;
      if (p->bytes == 4) {
        float f;
        std::memcpy(&f, row.data() + p->offset, 4);
        value = f;
      } else {
        std::memcpy(&value, row.data() + p->offset, 8);
      }
      SPLAT_REQUIRE(std::isfinite(value), path, ": vertex ", i, " has a non-finite ", names[v]);
      values[v] = static_cast<float>(value);
    }
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
  return m;
}

}  // namespace splat
