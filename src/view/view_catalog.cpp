#include "view/view_catalog.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/config_schema.hpp"
#include "core/error.hpp"
#include "io/dataset_defaults.hpp"
#include "io/image.hpp"
#include "io/image_codec.hpp"
#include "io/view_image_loader.hpp"
#include "train/run_outputs.hpp"
#include "train/train_config.hpp"

namespace splat {

namespace fs = std::filesystem;

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

namespace {

std::string read_text(const fs::path& path) {
  return read_whole_file(path.string());
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
  resolve_dataset();
}

void ViewCatalog::resolve_dataset() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (resolved_) return;
  std::string data = options_.data_dir;
  if (data.empty() && !options_.run_dir.empty()) data = run_dataset(options_.run_dir);
  if (data.empty()) {
    dataset_error_ = options_.run_dir.empty()
                         ? "no dataset given (--data): no cameras to show"
                         : "the run does not name its dataset yet (run.json): no cameras to show";
    return;
  }
  resolved_ = true;  // a dataset that fails to load is reported, not retried on every request
  try {
    // The run's data options (resolution, background), written with run.json when it started.
    TrainConfig config;
    ConfigSchema schema;
    bind_train_config(schema, config);
    apply_dataset_defaults(schema, data);
    const fs::path run_config = fs::path(options_.run_dir) / "config.yaml";
    if (!options_.run_dir.empty() && fs::exists(run_config))
      schema.load_yaml_file(run_config.string());
    for (const std::string& o : options_.overrides) schema.apply_override(o);
    background_ = config.data.background == "white" ? 1.0f : 0.0f;
    const Scene scene = load_scene(data, config.data);
    auto cameras = std::make_shared<CameraList>();
    for (const SceneView& v : scene.train) cameras->push_back({v, "train", ""});
    for (const SceneView& v : scene.test) {
      Camera c{v, "test", ""};
      // Where the run writes its render of this view at the end (it may not be there yet).
      if (!options_.run_dir.empty())
        c.test_render =
            png_path_for_view((fs::path(options_.run_dir) / "test" / "renders").string(), v.name);
      cameras->push_back(std::move(c));
    }
    cameras_ = std::move(cameras);
    dataset_error_.clear();
  } catch (const Error& e) {
    dataset_error_ = e.what();
  }
}

std::shared_ptr<const ViewCatalog::CameraList> ViewCatalog::cameras() {
  resolve_dataset();
  std::lock_guard<std::mutex> lock(mutex_);
  return cameras_;
}

std::string ViewCatalog::dataset_error() {
  std::lock_guard<std::mutex> lock(mutex_);
  return dataset_error_;
}

float ViewCatalog::background() {
  std::lock_guard<std::mutex> lock(mutex_);
  return background_;
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
  const std::shared_ptr<const CameraList> list = cameras();
  SPLAT_REQUIRE(i < list->size(), "view: no camera ", i);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto found = encoded_.find(i);
    if (found != encoded_.end()) return found->second;
  }
  const SceneView& view = (*list)[i].view;
  const ViewImage delivered = load_view_image(view, nullptr);
  Image image(delivered.width, delivered.height, 3);
  image.pixels = delivered.rgb;
  std::string png = encode_png(image, view.name);
  const std::lock_guard<std::mutex> lock(mutex_);
  return encoded_.emplace(i, std::move(png)).first->second;
}

}  // namespace splat
