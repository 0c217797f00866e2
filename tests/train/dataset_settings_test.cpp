// A dataset's own settings (DATASET/splatstream.yaml, data.* keys only): applied before a
// checkpoint's configuration, a preset and --set, so each of those overrides them; anything but
// data.* keys, or a bad value, is an error naming the file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "io/dataset_defaults.hpp"
#include "temp_dir.hpp"
#include "train/run_setup.hpp"

using namespace splat;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {
void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}
}  // namespace

TEST_CASE("dataset settings: a dataset's far plane applies unless a preset or --set says otherwise",
          "[config]") {
  const test::TempDir dir("splat-dataset-settings");
  const std::string data = dir.path().string();
  // No file: nothing set.
  const ResolvedConfig none = resolve_run_config(data, "", {}, "");
  CHECK(none.config.data.far_plane == 0.0f);
  CHECK(none.dataset_line.empty());

  write_dataset_defaults(data, "far_plane: 187.5");
  const ResolvedConfig from_dataset = resolve_run_config(data, "", {}, "");
  CHECK(from_dataset.config.data.far_plane == 187.5f);
  CHECK(from_dataset.dataset_line == "data.far_plane=187.5");
  // The effective configuration a run writes records it, so a resume keeps it.
  CHECK_THAT(from_dataset.yaml, Contains("far_plane: 187.5"));

  CHECK(resolve_run_config(data, "", {"data.far_plane=0"}, "").config.data.far_plane == 0.0f);
  const fs::path preset = dir.path() / "preset.yaml";
  write_text(preset, "data:\n  far_plane: 90\n");
  CHECK(resolve_run_config(data, preset.string(), {}, "").config.data.far_plane == 90.0f);
}

TEST_CASE("dataset settings: only data keys, each valid, named with the file", "[config]") {
  const test::TempDir dir("splat-dataset-settings");
  const std::string data = dir.path().string();
  const fs::path file = dir.path() / kDatasetDefaultsFile;
  write_text(file, "train:\n  iterations: 5\n");
  CHECK_THROWS_WITH(resolve_run_config(data, "", {}, ""),
                    Contains(file.string()) && Contains("only data.* keys") && Contains("'train'"));
  write_text(file, "data:\n  far_plan: 5\n");
  CHECK_THROWS_WITH(resolve_run_config(data, "", {}, ""),
                    Contains(file.string()) && Contains("data.far_plan is not a dataset's"));
  // The machine's settings are not the dataset's to choose (a cache folder it would write to).
  write_text(file, "data:\n  cache_dir: /etc\n");
  CHECK_THROWS_WITH(resolve_run_config(data, "", {}, ""),
                    Contains(file.string()) && Contains("data.cache_dir is not a dataset's"));
  write_text(file, "data:\n  background: white\n  test_every: 4\n");
  const ResolvedConfig described = resolve_run_config(data, "", {}, "");
  CHECK(described.config.data.background == "white");
  CHECK(described.config.data.test_every == 4);
  write_text(file, "data:\n  far_plane: -3\n");
  CHECK_THROWS_WITH(resolve_run_config(data, "", {}, ""), Contains(file.string()));
  write_text(file, "data: [1, 2\n");
  CHECK_THROWS_WITH(resolve_run_config(data, "", {}, ""),
                    Contains(file.string()) && Contains("not valid YAML"));
  write_text(file, "");  // an empty file sets nothing
  CHECK(resolve_run_config(data, "", {}, "").dataset_line.empty());
}
