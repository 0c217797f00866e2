#include "view/view_catalog.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/config_schema.hpp"
#include "core/error.hpp"
#include "io/image.hpp"
#include "io/image_codec.hpp"
#include "io/view_image_loader.hpp"
#include "train/run_outputs.hpp"
#include "train/train_config.hpp"

namespace splat {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

long long step_in(const std::string& metrics) {
  const auto j = nlohmann::json::parse(metrics, nullptr, false);
  if (j.is_discarded()) return -1;
  if (j.contains("snapshot_step")) return j["snapshot_step"].get<long long>();
  if (j.contains("iterations")) return j["iterations"].get<long long>();
  return -1;
}

// The dataset a run trained on, from its metrics (final or snapshot).
std::string run_dataset(const std::string& run) {
  for (const fs::path& p :
       {fs::path(run) / "metrics.json", fs::path(run) / "snapshot" / "metrics.json"}) {
    if (!fs::exists(p)) continue;
    const auto j = nlohmann::json::parse(read_text(p), nullptr, false);
    if (!j.is_discarded() && j.contains("dataset") && j["dataset"].contains("path"))
      return j["dataset"]["path"].get<std::string>();
  }
  return "";
}

}  // namespace

ViewCatalog::ViewCatalog(const ViewCatalogOptions& options) : options_(options) {
  SPLAT_REQUIRE(options.run_dir.empty() != options.model_path.empty(),
                "view: give a run folder, or --model PLY (one of the two)");
  if (!options.run_dir.empty())
    SPLAT_REQUIRE(fs::is_directory(options.run_dir), options.run_dir, ": not a run folder");
  else
    SPLAT_REQUIRE(fs::is_regular_file(options.model_path), options.model_path,
                  ": no such model file");
  TrainConfig config;
  ConfigSchema schema;
  bind_train_config(schema, config);
  const fs::path run_config = fs::path(options.run_dir) / "config.yaml";
  if (!options.run_dir.empty() && fs::exists(run_config))
    schema.load_yaml_file(run_config.string());
  for (const std::string& o : options.overrides) schema.apply_override(o);
  background_ = config.data.background == "white" ? 1.0f : 0.0f;

  std::string data = options.data_dir;
  if (data.empty() && !options.run_dir.empty()) data = run_dataset(options.run_dir);
  if (data.empty()) {
    dataset_error_ = options.run_dir.empty() ? "no dataset given (--data): no cameras to show"
                                             : "the run has no metrics yet naming its dataset";
    return;
  }
  try {
    const Scene scene = load_scene(data, config.data);
    for (const SceneView& v : scene.train) cameras_.push_back({v, "train", ""});
    for (const SceneView& v : scene.test) {
      Camera c{v, "test", ""};
      if (!options.run_dir.empty()) {
        const std::string render =
            png_path_for_view((fs::path(options.run_dir) / "test" / "renders").string(), v.name);
        if (fs::is_regular_file(render)) c.test_render = render;
      }
      cameras_.push_back(std::move(c));
    }
  } catch (const Error& e) {
    dataset_error_ = e.what();
  }
}

ViewCatalog::ModelFile ViewCatalog::model() const {
  if (options_.run_dir.empty()) return {options_.model_path, -1};
  // The final model, unless a snapshot is newer (a run in progress, or one resumed). The names
  // are RunOutputs' (train/run_outputs.hpp), read here without creating anything.
  const fs::path run(options_.run_dir);
  ModelFile best;
  for (const fs::path& folder : {run, run / "snapshot"}) {
    const std::string model = (folder / "point_cloud.ply").string();
    const fs::path metrics = folder / "metrics.json";
    if (!fs::is_regular_file(model) || !fs::is_regular_file(metrics)) continue;
    const long long step = step_in(read_text(metrics));
    if (step > best.step || best.path.empty()) best = {model, step};
  }
  return best;
}

std::string ViewCatalog::metrics_text() const {
  if (options_.run_dir.empty()) return "";
  const ModelFile m = model();
  if (m.path.empty()) return "";
  return read_text(fs::path(m.path).parent_path() / "metrics.json");
}

std::string ViewCatalog::camera_image_png(std::size_t i) {
  SPLAT_REQUIRE(i < cameras_.size(), "view: no camera ", i);
  {
    const std::lock_guard<std::mutex> lock(images_mutex_);
    const auto found = encoded_.find(i);
    if (found != encoded_.end()) return found->second;
  }
  const ViewImage delivered = load_view_image(cameras_[i].view, nullptr);
  Image image(delivered.width, delivered.height, 3);
  image.pixels = delivered.rgb;
  std::string png = encode_png(image, cameras_[i].view.name);
  const std::lock_guard<std::mutex> lock(images_mutex_);
  return encoded_.emplace(i, std::move(png)).first->second;
}

}  // namespace splat
