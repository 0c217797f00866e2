#include "io/checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "io/mapped_file.hpp"

namespace splat {

namespace {

constexpr char kMagic[8] = {'S', 'P', 'L', 'A', 'T', 'C', 'K', 'P'};
constexpr std::uint32_t kVersion = 1;

class Writer {
 public:
  explicit Writer(std::ostream& out) : out_(out) {}
  template <class T>
  void pod(const T& value) {
    out_.write(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void text(const std::string& s) {
    pod<std::uint64_t>(s.size());
    out_.write(s.data(), static_cast<std::streamsize>(s.size()));
  }
  template <class T>
  void raw(const T* values, std::size_t count) {
    out_.write(reinterpret_cast<const char*>(values),
               static_cast<std::streamsize>(count * sizeof(T)));
  }
  template <class T>
  void array(const std::vector<T>& values) {
    pod<std::uint64_t>(values.size());
    out_.write(reinterpret_cast<const char*>(values.data()),
               static_cast<std::streamsize>(values.size() * sizeof(T)));
  }

 private:
  std::ostream& out_;
};

// Reads from a byte range; every length is checked against what remains before allocating.
class Reader {
 public:
  Reader(std::string_view bytes, const std::string& path) : bytes_(bytes), path_(path) {}
  template <class T>
  T pod(const char* what) {
    need(sizeof(T), what);
    T value;
    std::memcpy(&value, bytes_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }
  std::string text(const char* what) {
    const auto size = pod<std::uint64_t>(what);
    need(size, what);
    std::string s(bytes_.substr(offset_, size));
    offset_ += size;
    return s;
  }
  template <class T>
  std::vector<T> array(const char* what, std::uint64_t expected_count) {
    const auto count = pod<std::uint64_t>(what);
    SPLAT_REQUIRE(count == expected_count, path_, ": checkpoint is corrupt: ", what, " has ", count,
                  " values, expected ", expected_count);
    SPLAT_REQUIRE(count <= (bytes_.size() - offset_) / sizeof(T), path_,
                  ": checkpoint is truncated in ", what);
    std::vector<T> values(count);
    std::memcpy(values.data(), bytes_.data() + offset_, count * sizeof(T));
    offset_ += count * sizeof(T);
    return values;
  }
  // Checks an array's count and that its values are there, and steps over them; returns the
  // byte offset of its first value.
  template <class T>
  std::size_t skip_array(const char* what, std::uint64_t expected_count) {
    const auto count = pod<std::uint64_t>(what);
    SPLAT_REQUIRE(count == expected_count, path_, ": checkpoint is corrupt: ", what, " has ", count,
                  " values, expected ", expected_count);
    SPLAT_REQUIRE(count <= (bytes_.size() - offset_) / sizeof(T), path_,
                  ": checkpoint is truncated in ", what);
    const std::size_t first = offset_;
    offset_ += count * sizeof(T);
    return first;
  }
  bool at_end() const { return offset_ == bytes_.size(); }

 private:
  void need(std::uint64_t size, const char* what) const {
    SPLAT_REQUIRE(size <= bytes_.size() - offset_, path_, ": checkpoint is truncated in ", what);
  }
  std::string_view bytes_;
  const std::string& path_;
  std::size_t offset_ = 0;
};

// Rows go out in chunks of this many, through one reused buffer.
constexpr std::size_t kChunkRows = std::size_t{1} << 16;

// The three states' five arrays, each as its length and then its rows: the same bytes
// Writer::array writes for each whole vector. The rows are read range by range, every array's
// part of a range before the next range (each array's place in the file is known from the
// sizes), so a model read from a disk tier is read once, not once per array.
void write_models(std::ostream& out, const ModelReader& model) {
  const std::size_t n = model.size();
  const std::streamoff start = out.tellp();
  std::streamoff arrays[3][kAttributeCount];
  std::streamoff at = start;
  for (int state = 0; state < 3; ++state)
    for (int a = 0; a < kAttributeCount; ++a) {
      const std::size_t width = attribute_width(static_cast<Attribute>(a), model.sh_degree());
      const std::uint64_t length = n * width;
      out.seekp(at);
      out.write(reinterpret_cast<const char*>(&length), sizeof length);
      arrays[state][a] = at + static_cast<std::streamoff>(sizeof length);
      at = arrays[state][a] + static_cast<std::streamoff>(length * sizeof(float));
    }
  std::vector<float> buffer;
  for (std::size_t begin = 0; begin < n; begin += kChunkRows) {
    const std::size_t end = std::min(n, begin + kChunkRows);
    for (int state = 0; state < 3; ++state)
      for (int a = 0; a < kAttributeCount; ++a) {
        const auto attribute = static_cast<Attribute>(a);
        const std::size_t width = attribute_width(attribute, model.sh_degree());
        buffer.resize((end - begin) * width);
        model.read(state, attribute, begin, end, buffer.data());
        out.seekp(arrays[state][a] + static_cast<std::streamoff>(begin * width * sizeof(float)));
        out.write(reinterpret_cast<const char*>(buffer.data()),
                  static_cast<std::streamsize>(buffer.size() * sizeof(float)));
      }
  }
  out.seekp(at);
}

}  // namespace

void write_checkpoint(const std::string& path, const TrainingCheckpoint& c) {
  write_checkpoint(path, c.step, c.config_yaml, c.sampler_state, c.densify,
                   TrainableGaussiansReader(c.gaussians));
}

void write_checkpoint(const std::string& path, int step, const std::string& config_yaml,
                      const std::string& sampler_state, const DensifyState& densify,
                      const ModelReader& model) {
  write_file_atomically(path, [&](std::ostream& out) {
    Writer w(out);
    out.write(kMagic, sizeof kMagic);
    w.pod(kVersion);
    w.pod<std::int32_t>(step);
    w.pod<std::int32_t>(model.sh_degree());
    w.pod<std::uint64_t>(model.size());
    w.text(config_yaml);
    w.text(sampler_state);
    write_models(out, model);
    const std::size_t n = model.size();
    w.pod<std::uint64_t>(n);
    std::vector<std::int32_t> steps;
    for (std::size_t begin = 0; begin < n; begin += kChunkRows) {
      const std::size_t end = std::min(n, begin + kChunkRows);
      steps.resize(end - begin);
      model.read_steps(begin, end, steps.data());
      w.raw(steps.data(), steps.size());
    }
    w.pod<std::uint64_t>(densify.arrays.size());
    for (const auto& a : densify.arrays) {
      w.pod<std::uint64_t>(a.size());
      w.array(a);
    }
    w.text(densify.rng);
  });
}

namespace {

// The model arrays of a mapped checkpoint, read in row ranges; every value read is checked.
class MappedCheckpointModel final : public ModelReader {
 public:
  MappedCheckpointModel(const MappedFile& file, std::size_t n, int sh_degree)
      : file_(file), bytes_(file.text()), path_(file.path()), n_(n), sh_degree_(sh_degree) {}
  std::size_t size() const override { return n_; }
  int sh_degree() const override { return sh_degree_; }
  void read(int state, Attribute attribute, std::size_t begin, std::size_t end,
            float* out) const override {
    SPLAT_REQUIRE(state >= 0 && state < 3 && begin <= end && end <= n_, path_, ": rows ", begin,
                  "..", end, " of state ", state, " out of range");
    const std::size_t w = attribute_width(attribute, sh_degree_);
    const std::size_t count = (end - begin) * w;
    if (count == 0) return;
    const std::size_t offset =
        offsets_[state][static_cast<int>(attribute)] + begin * w * sizeof(float);
    std::memcpy(out, bytes_.data() + offset, count * sizeof(float));
    file_.release(offset, count * sizeof(float));
    static const char* kStates[3] = {"parameters", "first moments", "second moments"};
    for (std::size_t i = 0; i < count; ++i)
      SPLAT_REQUIRE(std::isfinite(out[i]), path_, ": checkpoint holds a non-finite value in ",
                    kStates[state]);
  }
  void read_steps(std::size_t begin, std::size_t end, std::int32_t* out) const override {
    SPLAT_REQUIRE(begin <= end && end <= n_, path_, ": steps ", begin, "..", end, " out of range");
    if (end == begin) return;
    std::memcpy(out, bytes_.data() + steps_offset_ + begin * sizeof(std::int32_t),
                (end - begin) * sizeof(std::int32_t));
  }

  std::size_t offsets_[3][kAttributeCount] = {};  // byte offset of each array's first value
  std::size_t steps_offset_ = 0;

 private:
  const MappedFile& file_;
  std::string_view bytes_;
  const std::string& path_;
  std::size_t n_;
  int sh_degree_;
};

}  // namespace

struct CheckpointFile::Parsed {
  explicit Parsed(const std::string& p) : path(p), file(p) {}
  std::string path;
  MappedFile file;
  int step = 0;
  std::string config_yaml, sampler_state;
  DensifyState densify;
  std::unique_ptr<MappedCheckpointModel> model;
};

CheckpointFile::CheckpointFile(const std::string& path) : parsed_(std::make_unique<Parsed>(path)) {
  Parsed& c = *parsed_;
  // Mapped, not read into a buffer: the file is as large as the model with its moments, and
  // the model is read from it straight to where it lives.
  const std::string_view bytes = c.file.text();
  SPLAT_REQUIRE(bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, 8) == 0, path,
                ": not a splatstream checkpoint");
  Reader r(bytes, c.path);
  r.pod<std::uint64_t>("magic");
  const auto version = r.pod<std::uint32_t>("version");
  SPLAT_REQUIRE(version == kVersion, path, ": checkpoint version ", version,
                " is not supported (expected ", kVersion, ")");
  c.step = r.pod<std::int32_t>("step");
  const int sh_degree = r.pod<std::int32_t>("SH degree");
  SPLAT_REQUIRE(c.step >= 0 && sh_degree >= 0 && sh_degree <= 3, path,
                ": checkpoint is corrupt (step ", c.step, ", SH degree ", sh_degree, ")");
  const auto n = r.pod<std::uint64_t>("Gaussian count");
  // Each Gaussian takes at least 3 x 14 floats: a count beyond the file size is corruption.
  SPLAT_REQUIRE(n <= bytes.size() / (3 * 14 * sizeof(float)), path,
                ": checkpoint is truncated or corrupt (", n, " Gaussians do not fit in ",
                bytes.size(), " bytes)");
  c.config_yaml = r.text("configuration");
  c.sampler_state = r.text("sampler state");
  c.model = std::make_unique<MappedCheckpointModel>(c.file, n, sh_degree);
  static const char* kStates[3] = {"parameters", "first moments", "second moments"};
  for (int state = 0; state < 3; ++state)
    for (int a = 0; a < kAttributeCount; ++a) {
      const std::size_t w = attribute_width(static_cast<Attribute>(a), sh_degree);
      c.model->offsets_[state][a] = r.skip_array<float>(kStates[state], n * w);
    }
  c.model->steps_offset_ = r.skip_array<std::int32_t>("Adam steps", n);
  const auto arrays = r.pod<std::uint64_t>("densification arrays");
  SPLAT_REQUIRE(arrays <= 16, path, ": checkpoint is corrupt (", arrays, " densification arrays)");
  for (std::uint64_t a = 0; a < arrays; ++a) {
    const auto size = r.pod<std::uint64_t>("densification array size");
    c.densify.arrays.push_back(r.array<float>("densification statistics", size));
  }
  c.densify.rng = r.text("densification random state");
  SPLAT_REQUIRE(r.at_end(), path, ": checkpoint has trailing bytes (corrupt or from another tool)");
}

CheckpointFile::~CheckpointFile() = default;

int CheckpointFile::step() const {
  return parsed_->step;
}
const std::string& CheckpointFile::config_yaml() const {
  return parsed_->config_yaml;
}
const std::string& CheckpointFile::sampler_state() const {
  return parsed_->sampler_state;
}
const DensifyState& CheckpointFile::densify() const {
  return parsed_->densify;
}
const ModelReader& CheckpointFile::model() const {
  return *parsed_->model;
}

TrainingCheckpoint read_checkpoint(const std::string& path) {
  const CheckpointFile file(path);
  TrainingCheckpoint c;
  c.step = file.step();
  c.config_yaml = file.config_yaml();
  c.sampler_state = file.sampler_state();
  c.densify = file.densify();
  c.gaussians = read_trainable(file.model(), 0, file.model().size());
  return c;
}

}  // namespace splat
