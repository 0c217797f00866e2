// Views held in memory: cameras with already decoded images. Used for generated scenes and in
// tests; datasets on disk go through the image cache instead.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "train/view_source.hpp"

namespace splat {

class MemoryViewSource final : public ViewSource {
 public:
  void add(std::string name, const PinholeCamera& camera, ViewImage image) {
    SPLAT_REQUIRE(image.width == camera.width && image.height == camera.height, "view ", name,
                  ": image is ", image.width, "x", image.height, " but its camera is ",
                  camera.width, "x", camera.height);
    names_.push_back(std::move(name));
    cameras_.push_back(camera);
    images_.push_back(std::make_shared<const ViewImage>(std::move(image)));
  }
  std::size_t count() const override { return cameras_.size(); }
  const PinholeCamera& camera(std::size_t i) const override { return cameras_.at(i); }
  const std::string& name(std::size_t i) const override { return names_.at(i); }
  std::shared_ptr<const ViewImage> image(std::size_t i) override { return images_.at(i); }

 private:
  std::vector<std::string> names_;
  std::vector<PinholeCamera> cameras_;
  std::vector<std::shared_ptr<const ViewImage>> images_;
};

}  // namespace splat
