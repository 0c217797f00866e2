// Reading a COLMAP model folder: binary files when present (COLMAP prefers them too), else text.
// rigs/frames files that newer COLMAP writes beside them are not needed (images already hold
// composed poses) and are ignored. Cross-file references are checked.
#pragma once

#include <optional>
#include <string>

#include "io/colmap_model.hpp"

namespace splat {

enum class ColmapFormat { Binary, Text };

struct ColmapModelFiles {
  std::string folder;
  ColmapFormat format = ColmapFormat::Binary;
};

// The model folder of a dataset: <dir>/sparse/0, else <dir>/sparse, else <dir> itself, whichever
// holds cameras.bin or cameras.txt first; nullopt when none does.
std::optional<ColmapModelFiles> find_colmap_model(const std::string& dataset_dir);

// Reads cameras, images and (when present) points3D; throws Error naming the file on any
// problem, including an image whose camera id is not in the cameras file.
ColmapModel read_colmap_model(const ColmapModelFiles& files, const ColmapReadOptions& options = {});

}  // namespace splat
