// COLMAP's text model files (cameras.txt, images.txt, points3D.txt) parsed from text. Errors
// name the file, the line and the problem.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "io/colmap_model.hpp"

namespace splat {

std::vector<ColmapCamera> parse_colmap_cameras_text(std::string_view text,
                                                    const std::string& source);
std::vector<ColmapImage> parse_colmap_images_text(std::string_view text, const std::string& source,
                                                  const ColmapReadOptions& options = {});
std::vector<ColmapPoint3D> parse_colmap_points3d_text(std::string_view text,
                                                      const std::string& source,
                                                      const ColmapReadOptions& options = {});

}  // namespace splat
