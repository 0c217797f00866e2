// Shared pieces of the io tests: small COLMAP models, images and datasets written into a
// temporary folder, and a check that a call fails with an Error naming what it should.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <initializer_list>
#include <string>

#include "core/error.hpp"
#include "io/colmap_model.hpp"
#include "io/colmap_model_reader.hpp"
#include "io/image.hpp"
#include "shared_data.hpp"

namespace splat::test {

// Runs `call`, which must throw splat::Error whose message contains every fragment.
inline void require_error(const std::function<void()>& call,
                          std::initializer_list<std::string> fragments) {
  try {
    call();
  } catch (const Error& e) {
    const std::string message = e.what();
    INFO("error: " << message);
    for (const std::string& fragment : fragments)
      CHECK(message.find(fragment) != std::string::npos);
    return;
  }
  FAIL("expected an Error containing " << *fragments.begin());
}

// A model with every supported camera model, keypoints and tracks, ids not starting at 1.
ColmapModel make_test_model(int images = 4, int points = 20);

// An RGB test pattern (smooth gradients plus a checker) of the given size.
Image make_pattern(int width, int height, int channels = 3);

// Writes a COLMAP dataset: <dir>/sparse/0 (format) and <dir>/<images>/<name>.png for every
// image, each at its camera's size divided by `image_divisor`.
void write_colmap_dataset(const std::string& dir, const ColmapModel& model, ColmapFormat format,
                          const std::string& images = "images", int image_divisor = 1);

}  // namespace splat::test
