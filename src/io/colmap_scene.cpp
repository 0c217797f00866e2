// COLMAP datasets: <dir>/<data.images>/<name> for every registered image of the model.
#include <filesystem>
#include <unordered_map>

#include "core/error.hpp"
#include "io/image_codec.hpp"
#include "io/scene_formats.hpp"
#include "io/scene_geometry.hpp"
#include "io/scene_view_builder.hpp"
#include "math/rotation.hpp"

namespace splat {

namespace fs = std::filesystem;

Scene load_colmap_scene(const std::string& dir, const ColmapModelFiles& files,
                        const DataOptions& options) {
  const ColmapModel model = read_colmap_model(files);
  const bool binary = files.format == ColmapFormat::Binary;
  const std::string cameras_file =
      (fs::path(files.folder) / (binary ? "cameras.bin" : "cameras.txt")).string();
  const std::string images_file =
      (fs::path(files.folder) / (binary ? "images.bin" : "images.txt")).string();
  const fs::path image_folder = fs::path(dir) / options.images;
  std::error_code ignored;
  if (!fs::is_directory(image_folder, ignored))
    fail(image_folder.string(), ": the image folder (data.images = ", options.images,
         ") does not exist");

  std::unordered_map<std::int32_t, const ColmapCamera*> cameras;
  for (const ColmapCamera& camera : model.cameras) cameras[camera.id] = &camera;

  std::vector<SceneView> views;
  views.reserve(model.images.size());
  for (const ColmapImage& image : model.images) {
    const ColmapCamera& camera = *cameras.at(image.camera_id);
    const LensCamera lens = lens_camera_from_colmap(camera, cameras_file);
    const std::string path = (image_folder / image.name).string();
    if (!fs::exists(path, ignored))
      fail(path, ": listed in ", images_file, " (image ", image.id, ") but missing");
    const ImageSize size = read_image_size(path);
    const LensCamera file_lens =
        lens_for_file(lens, size.width, size.height, path, str_cat("camera ", camera.id));
    double R[9];
    quaternion_to_matrix(image.rotation.data(), R);
    views.push_back(make_scene_view(image.name, path, file_lens, R, image.translation.data(),
                                    std::string(camera_model_info(camera.model).name), options,
                                    images_file));
  }
  if (views.empty()) fail(images_file, ": the model has no registered images");

  Scene scene;
  scene.format = binary ? "colmap-binary" : "colmap-text";
  scene.source = dir;
  split_views(std::move(views), options.test_every, scene.train, scene.test);
  scene.extent = scene_extent(scene.train.empty() ? scene.test : scene.train);
  scene.points.reserve(model.points.size() * 3);
  scene.colors.reserve(model.points.size() * 3);
  for (const ColmapPoint3D& point : model.points) {
    for (int i = 0; i < 3; ++i) {
      scene.points.push_back(static_cast<float>(point.position[i]));
      scene.colors.push_back(point.color[i]);
    }
  }
  return scene;
}

}  // namespace splat
