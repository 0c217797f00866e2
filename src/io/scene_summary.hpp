// What `splatstream info` reports about a loaded scene, as text for people and as one JSON
// object for scripts. The JSON keys format, images, train_images, test_images, points, width,
// height and extent are a public interface.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "io/scene.hpp"

namespace splat {

struct SceneSummary {
  std::string format;
  std::size_t images = 0, train_images = 0, test_images = 0, points = 0;
  int width = 0, height = 0;  // of the first image by name
  float extent = 0;
  std::map<std::string, std::size_t> camera_models;  // model name -> views using it
  std::map<std::string, std::size_t> resolutions;    // "WxH" after scaling -> views
  std::size_t undistorted_views = 0;
};

SceneSummary summarize_scene(const Scene& scene);
std::string summary_json(const SceneSummary& summary);
std::string summary_text(const SceneSummary& summary);

}  // namespace splat
