#include "io/scene_summary.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "core/error.hpp"

namespace splat {

SceneSummary summarize_scene(const Scene& scene) {
  SceneSummary s;
  s.format = scene.format;
  s.train_images = scene.train.size();
  s.test_images = scene.test.size();
  s.images = s.train_images + s.test_images;
  s.points = scene.points.size() / 3;
  s.extent = scene.extent;
  const SceneView* first = nullptr;
  for (const auto* views : {&scene.train, &scene.test}) {
    for (const SceneView& view : *views) {
      if (first == nullptr || view.name < first->name) first = &view;
      ++s.camera_models[view.camera_model];
      ++s.resolutions[str_cat(view.camera.width, "x", view.camera.height)];
      if (view.lens.has_distortion()) ++s.undistorted_views;
    }
  }
  if (first != nullptr) {
    s.width = first->camera.width;
    s.height = first->camera.height;
  }
  return s;
}

std::string summary_json(const SceneSummary& s) {
  nlohmann::json out;
  out["format"] = s.format;
  out["images"] = s.images;
  out["train_images"] = s.train_images;
  out["test_images"] = s.test_images;
  out["points"] = s.points;
  out["width"] = s.width;
  out["height"] = s.height;
  out["extent"] = s.extent;
  out["camera_models"] = s.camera_models;
  out["resolutions"] = s.resolutions;
  out["undistorted_images"] = s.undistorted_views;
  return out.dump();
}

std::string summary_text(const SceneSummary& s) {
  const auto counted = [](const std::map<std::string, std::size_t>& items) {
    std::string text;
    for (const auto& [name, count] : items)
      text += str_cat(text.empty() ? "" : ", ", name, " (", count, ")");
    return text;
  };
  char extent[32];
  std::snprintf(extent, sizeof(extent), "%.4g", s.extent);
  return str_cat("format:         ", s.format, "\n",                                         //
                 "images:         ", s.images, " (", s.train_images, " train, ",             //
                 s.test_images, " test)\n",                                                  //
                 "camera models:  ", counted(s.camera_models), "\n",                         //
                 "undistorted:    ", s.undistorted_views, " images\n",                       //
                 "resolutions:    ", counted(s.resolutions), "\n",                           //
                 "first image:    ", s.width, "x", s.height, "\n",                           //
                 "points:         ", s.points, s.points == 0 ? " (random init)" : "", "\n",  //
                 "extent:         ", extent, "\n");
}

}  // namespace splat
