// What `splatstream view` serves, resolved from a run folder (or a model and a dataset): the
// model to show now (the final one or the newest snapshot of a run in progress), the run's
// metrics, the dataset's cameras and images, and the run's test renders. Only files this catalog
// names are ever read; nothing in a request becomes a path.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "io/scene.hpp"

namespace splat {

// A file's bytes (empty when it cannot be read): the view module's one reader.
std::string read_whole_file(const std::string& path);

struct ViewCatalogOptions {
  std::string run_dir;                 // a `splatstream train --out` folder, or
  std::string model_path;              // a PLY (with data_dir for cameras)
  std::string data_dir;                // overrides the run's dataset
  std::vector<std::string> overrides;  // config keys (data.*) for a model without a run
};

class ViewCatalog {
 public:
  explicit ViewCatalog(const ViewCatalogOptions& options);

  struct ModelFile {
    std::string path;     // empty: no model yet (a run before its first snapshot)
    long long step = -1;  // the training step it is from (-1: unknown)
  };
  // Resolved on each call, so that a viewer follows a run that is still training.
  ModelFile model() const;
  // metrics.json's text next to the model shown (empty when there is none yet).
  std::string metrics_text() const;

  struct Camera {
    SceneView view;
    std::string split;        // "train" or "test"
    std::string test_render;  // where the run writes its render of this test view (if a run)
  };
  using CameraList = std::vector<Camera>;
  // Empty until the dataset is known: a run that has only just started names it in run.json.
  std::shared_ptr<const CameraList> cameras();
  // The image camera i was trained against, as delivered to training (size, background), PNG.
  std::string camera_image_png(std::size_t i);
  std::string dataset_error();
  float background();  // 1 (white) or 0, as the run's config says

 private:
  // Loads the dataset's cameras once its folder is known (from --data or the run's files).
  void resolve_dataset();

  ViewCatalogOptions options_;
  std::mutex mutex_;  // guards everything below
  float background_ = 1;
  std::shared_ptr<const CameraList> cameras_ = std::make_shared<CameraList>();
  bool resolved_ = false;
  std::string dataset_error_;
  std::map<std::size_t, std::string> encoded_;  // camera -> PNG bytes
};

}  // namespace splat
