// A trained model rendered at a dataset's views, for `splatstream render` and `eval`: the
// model's full SH degree, the configured background, any backend.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "train/trainer.hpp"

namespace splat {

struct ModelViewsOptions {
  std::string model_path;  // a 3DGS PLY
  std::string data_dir;
  std::string split = "test";          // test, train or all
  std::vector<std::string> overrides;  // config keys (data.*, backend, ...)
};

using NamedRenderSink =
    std::function<void(const std::string& name, const ViewImage& render, const ViewImage& truth)>;

// Renders every view of the split, scores it against its image and hands both to `sink`.
Evaluation render_model_views(const ModelViewsOptions& options, const NamedRenderSink& sink);

}  // namespace splat
