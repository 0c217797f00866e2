// Geometry of a set of views: camera centres, the scene extent the reference trainer derives
// from them, their bounding box, and the train/test split rule.
#pragma once

#include <array>
#include <vector>

#include "io/scene.hpp"

namespace splat {

std::array<double, 3> camera_centre(const PinholeCamera& camera);

// 1.1 x the largest distance of a camera centre from the centres' mean (the reference's
// "cameras_extent"). When the centres coincide (one view, a turntable of a fixed camera) there
// is no scale to take from them and the result is 1, which keeps learning rates usable.
float scene_extent(const std::vector<SceneView>& views);

struct Bounds {
  std::array<float, 3> min{0, 0, 0};
  std::array<float, 3> max{0, 0, 0};
};
// Axis-aligned box of the camera centres (where a random initialisation places Gaussians).
Bounds camera_bounds(const std::vector<SceneView>& views);

// Where cameras that converge on an object look: a cube around the point nearest to every
// optical axis (least squares), as wide as the median camera sees at that distance. Returns
// false when the axes do not converge (forward-facing or parallel captures), where the camera
// box is the better guess.
bool viewed_region(const std::vector<SceneView>& views, Bounds& region);

// Sorts `views` by name and moves every `test_every`-th (index 0, n, 2n, ...) into test; 0
// keeps all for training.
void split_views(std::vector<SceneView> views, int test_every, std::vector<SceneView>& train,
                 std::vector<SceneView>& test);

}  // namespace splat
