// `generate --scene city`: the city written as a dataset without ever holding it whole.
// ground_truth.ply is streamed block by block (a few blocks in memory at a time, made in
// parallel); the sparse points are sampled from each block as it passes; each view is rendered
// from only the blocks it can see (kept while the next view still needs them), by the GPU where
// the backend is CUDA. Output: images/, sparse/0 (PINHOLE cameras, points3D), ground_truth.ply.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "tools/scenes/city_cameras.hpp"
#include "tools/scenes/city_layout.hpp"

namespace splat {

struct CityDatasetOptions {
  CityOptions city;
  CityCameraSet camera_set = CityCameraSet::Aerial;
  int views = 64;
  int width = 640;
  int height = 480;
  std::string backend = "auto";
  float background[3] = {1, 1, 1};
  // Street views leave out blocks beyond this many metres (the facades hide them); 0: 2.5
  // block pitches. Aerial views use none.
  float street_draw_distance = 0;
  // Points of the sparse cloud; 0: 1% of the Gaussians, at least 1,000, at most 200,000.
  std::size_t sparse_points = 0;
  bool quiet = false;  // no progress lines
};

struct CityDatasetReport {
  std::size_t gaussians = 0, views = 0, points = 0, blocks = 0;
  double ply_seconds = 0, view_seconds = 0;
  std::vector<std::size_t> rendered_per_view;  // Gaussians each view was rendered from
  std::size_t most_gaussians_held = 0;         // by the block cache at once
  std::size_t blocks_generated_for_views = 0;
  std::string renderer;     // the backend's description
  float draw_distance = 0;  // of the views (0: none), what data.far_plane should be to train
};

CityDatasetReport write_city_dataset(const std::string& folder, const CityDatasetOptions& options);

// The draw distance of the dataset's views in metres (0: none, as for aerial views).
float city_draw_distance(const CityLayout& city, const CityDatasetOptions& options);

}  // namespace splat
