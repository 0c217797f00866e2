#include "io/undistorted_image_cache.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/log.hpp"
#include "io/image_codec.hpp"

namespace splat {

namespace fs = std::filesystem;

namespace {

// FNV-1a over the bytes of every key part: stable across runs and platforms of one endianness.
struct KeyHash {
  std::uint64_t value = 1469598103934665603ull;
  void add_bytes(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) value = (value ^ p[i]) * 1099511628211ull;
  }
  template <class T>
  void add(const T& v) {
    add_bytes(&v, sizeof(T));
  }
  void add(const std::string& s) {
    add(s.size());
    add_bytes(s.data(), s.size());
  }
};

// Bump when the resampling changes, so old results are not reused.
constexpr int kCacheFormatVersion = 1;

}  // namespace

std::string UndistortedImageCache::default_root() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/')
    return (fs::path(xdg) / "splatstream").string();
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0')
    return (fs::path(home) / ".cache" / "splatstream").string();
  return (fs::temp_directory_path() / "splatstream-cache").string();
}

UndistortedImageCache::UndistortedImageCache(const std::string& root)
    : folder_((fs::path(root.empty() ? default_root() : root) / "undistorted").string()) {}

std::string UndistortedImageCache::path_for(const SceneView& view) const {
  struct stat info {};
  if (::stat(view.image_path.c_str(), &info) != 0) return {};
  std::error_code error;
  const fs::path absolute = fs::absolute(view.image_path, error);
  KeyHash key;
  key.add(kCacheFormatVersion);
  key.add(error ? view.image_path : absolute.lexically_normal().string());
  key.add(static_cast<std::int64_t>(info.st_size));
  key.add(static_cast<std::int64_t>(info.st_mtim.tv_sec));
  key.add(static_cast<std::int64_t>(info.st_mtim.tv_nsec));
  const LensCamera& l = view.lens;
  for (double v : {l.fx, l.fy, l.cx, l.cy}) key.add(v);
  key.add(l.width);
  key.add(l.height);
  for (double k : l.distortion) key.add(k);
  const PinholeIntrinsics& u = view.undistorted;
  for (double v : {u.fx, u.fy, u.cx, u.cy}) key.add(v);
  key.add(u.width);
  key.add(u.height);
  key.add(view.camera.width);
  key.add(view.camera.height);
  for (float b : view.background) key.add(b);
  char name[32];
  std::snprintf(name, sizeof(name), "%016llx.png", static_cast<unsigned long long>(key.value));
  return (fs::path(folder_) / name).string();
}

std::optional<Image> UndistortedImageCache::load(const SceneView& view) const {
  const std::string path = path_for(view);
  std::error_code error;
  if (path.empty() || !fs::is_regular_file(path, error)) return std::nullopt;
  try {
    Image image = read_image(path);
    if (image.width == view.camera.width && image.height == view.camera.height &&
        image.channels == 3)
      return image;
  } catch (const Error& e) {
    log_debug("undistortion cache: ignoring ", path, ": ", e.what());
  }
  return std::nullopt;
}

void UndistortedImageCache::store(const SceneView& view, const Image& rgb) {
  if (disabled_.load()) return;
  const std::string path = path_for(view);
  if (path.empty()) return;
  try {
    std::error_code error;
    fs::create_directories(folder_, error);
    if (error) fail(folder_, ": cannot create: ", error.message());
    // 16 bits keep the resampled values; level 1 keeps encoding cheap next to decoding.
    write_png(path, rgb, 16, 1);
  } catch (const Error& e) {
    disabled_.store(true);
    std::call_once(warned_, [&] {
      log_warn("undistorted images are not cached (", e.what(),
               "); they will be undistorted again next run. Set data.cache_dir to a writable "
               "folder to keep them.");
    });
  }
}

}  // namespace splat
