#include "io/dataset_defaults.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/config_schema.hpp"
#include "core/error.hpp"

namespace splat {

namespace fs = std::filesystem;

std::string apply_dataset_defaults(ConfigSchema& schema, const std::string& data_dir) {
  const fs::path path = fs::path(data_dir) / kDatasetDefaultsFile;
  if (data_dir.empty() || !fs::is_regular_file(path)) return {};
  std::ifstream file(path, std::ios::binary);
  SPLAT_REQUIRE(file.good(), path.string(), ": cannot open the dataset's settings");
  std::ostringstream text;
  text << file.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    fail(path.string(), ": not valid YAML: line ", e.mark.line + 1, ": ", e.msg);
  }
  if (root.IsNull()) return {};  // an empty file sets nothing
  SPLAT_REQUIRE(root.IsMap(), path.string(), ": expected a mapping with one key, data");
  std::string applied;
  for (const auto& section : root) {
    const std::string name = section.first.as<std::string>();
    // A dataset says how it is to be read, never how to train on it.
    SPLAT_REQUIRE(name == "data", path.string(),
                  ": only data.* keys belong in a dataset's settings, found '", name, "'");
    SPLAT_REQUIRE(section.second.IsMap(), path.string(), ": expected data: to be a mapping");
    for (const auto& key : section.second) {
      const std::string key_name = key.first.as<std::string>();
      // What describes the dataset; not the machine's settings (cache folder, memory, threads)
      // nor how far to downscale it, which are the user's to choose.
      static const char* const kDatasetKeys[] = {"far_plane", "background", "test_every", "images"};
      SPLAT_REQUIRE(std::find(std::begin(kDatasetKeys), std::end(kDatasetKeys), key_name) !=
                        std::end(kDatasetKeys),
                    path.string(), ": data.", key_name,
                    " is not a dataset's setting (a dataset may set data.far_plane, "
                    "data.background, data.test_every and data.images)");
      applied +=
          str_cat(applied.empty() ? "" : " ", "data.", key_name, "=", YAML::Dump(key.second));
    }
  }
  schema.load_yaml_text(text.str(), path.string());
  return applied;
}

void write_dataset_defaults(const std::string& data_dir, const std::string& data_yaml) {
  std::string text =
      "# How splatstream reads this dataset (train, plan, eval and render apply it; a preset or "
      "--set overrides it).\ndata:\n";
  std::istringstream lines(data_yaml);
  for (std::string line; std::getline(lines, line);) text += "  " + line + "\n";
  write_file_atomically((fs::path(data_dir) / kDatasetDefaultsFile).string(), text);
}

}  // namespace splat
