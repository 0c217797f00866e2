// COLMAP's binary model files (cameras.bin, images.bin, points3D.bin) parsed from bytes. Counts
// are checked against the bytes that remain before anything is allocated; every error names
// `source` (the file) and the problem.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "io/colmap_model.hpp"

namespace splat {

std::vector<ColmapCamera> parse_colmap_cameras_binary(const unsigned char* data, std::size_t size,
                                                      const std::string& source);
std::vector<ColmapImage> parse_colmap_images_binary(const unsigned char* data, std::size_t size,
                                                    const std::string& source,
                                                    const ColmapReadOptions& options = {});
std::vector<ColmapPoint3D> parse_colmap_points3d_binary(const unsigned char* data, std::size_t size,
                                                        const std::string& source,
                                                        const ColmapReadOptions& options = {});

}  // namespace splat
