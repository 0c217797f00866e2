#include "io/frame_image_path.hpp"

#include <filesystem>

#include "core/error.hpp"

namespace splat {

std::string frame_image_path(const std::string& dir, const std::string& file_path,
                             const std::string& where) {
  namespace fs = std::filesystem;
  const fs::path base = fs::path(dir) / file_path;
  std::error_code ignored;
  if (fs::is_regular_file(base, ignored)) return base.string();
  for (const char* extension : {".png", ".jpg", ".jpeg", ".PNG", ".JPG", ".JPEG"}) {
    fs::path candidate = base;
    candidate += extension;
    if (fs::is_regular_file(candidate, ignored)) return candidate.string();
  }
  fail(base.string(), ": listed in ", where, " but missing (also tried .png and .jpg)");
}

}  // namespace splat
