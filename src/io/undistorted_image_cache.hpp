// Undistorted images kept on disk between runs, so undistortion happens once per image. Files
// are keyed by the source image (path, size, modification time) and every parameter of the
// result, so a changed image or setting never returns a stale result. The dataset folder may
// be read-only; the cache lives under $XDG_CACHE_HOME/splatstream (or ~/.cache/splatstream,
// or data.cache_dir). If the cache cannot be written, images are undistorted every run and one
// warning says why.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>

#include "io/image.hpp"
#include "io/scene.hpp"

namespace splat {

class UndistortedImageCache {
 public:
  // `root` empty: the default location.
  explicit UndistortedImageCache(const std::string& root = "");

  // The file the view's result is (or would be) stored in; empty when the source cannot be
  // examined.
  std::string path_for(const SceneView& view) const;
  // The stored RGB result at the view's camera resolution, if present and intact.
  std::optional<Image> load(const SceneView& view) const;
  // Stores an RGB result; failures disable the cache for this run with one warning.
  void store(const SceneView& view, const Image& rgb);

  const std::string& folder() const { return folder_; }
  static std::string default_root();

 private:
  std::string folder_;
  std::atomic<bool> disabled_{false};
  std::once_flag warned_;
};

}  // namespace splat
