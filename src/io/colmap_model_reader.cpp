#include "io/colmap_model_reader.hpp"

#include <filesystem>
#include <unordered_set>

#include "core/error.hpp"
#include "io/colmap_binary_reader.hpp"
#include "io/colmap_text_reader.hpp"
#include "io/mapped_file.hpp"

namespace splat {

namespace fs = std::filesystem;

std::optional<ColmapModelFiles> find_colmap_model(const std::string& dataset_dir) {
  const fs::path root(dataset_dir);
  for (const fs::path& folder : {root / "sparse" / "0", root / "sparse", root}) {
    std::error_code ignored;
    if (fs::is_regular_file(folder / "cameras.bin", ignored))
      return ColmapModelFiles{folder.string(), ColmapFormat::Binary};
    if (fs::is_regular_file(folder / "cameras.txt", ignored))
      return ColmapModelFiles{folder.string(), ColmapFormat::Text};
  }
  return std::nullopt;
}

ColmapModel read_colmap_model(const ColmapModelFiles& files, const ColmapReadOptions& options) {
  const bool binary = files.format == ColmapFormat::Binary;
  const std::string extension = binary ? ".bin" : ".txt";
  const auto path = [&](const char* stem) {
    return (fs::path(files.folder) / (stem + extension)).string();
  };

  ColmapModel model;
  {
    const MappedFile file(path("cameras"));
    model.cameras = binary ? parse_colmap_cameras_binary(file.data(), file.size(), file.path())
                           : parse_colmap_cameras_text(file.text(), file.path());
  }
  {
    const MappedFile file(path("images"));
    model.images = binary
                       ? parse_colmap_images_binary(file.data(), file.size(), file.path(), options)
                       : parse_colmap_images_text(file.text(), file.path(), options);
  }
  // A model without points is usable: training then starts from a random initialisation.
  std::error_code ignored;
  if (fs::exists(path("points3D"), ignored)) {
    const MappedFile file(path("points3D"));
    model.points =
        binary ? parse_colmap_points3d_binary(file.data(), file.size(), file.path(), options)
               : parse_colmap_points3d_text(file.text(), file.path(), options);
  }

  std::unordered_set<std::int32_t> camera_ids;
  for (const ColmapCamera& camera : model.cameras) camera_ids.insert(camera.id);
  for (const ColmapImage& image : model.images)
    if (camera_ids.count(image.camera_id) == 0)
      fail(path("images"), ": image ", image.id, " (", image.name, ") refers to camera ",
           image.camera_id, ", which ", path("cameras"), " does not define");
  return model;
}

}  // namespace splat
