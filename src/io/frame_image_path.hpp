// Where a transforms frame's image is: file_path relative to the JSON's folder, with the
// extension added when the file omits it (NeRF-synthetic writes "./train/r_0").
#pragma once

#include <string>

namespace splat {

// Throws Error naming the JSON file (`where`) and the path tried when no file exists.
std::string frame_image_path(const std::string& dir, const std::string& file_path,
                             const std::string& where);

}  // namespace splat
