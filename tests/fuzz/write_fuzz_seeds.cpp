// Writes a seed corpus for the fuzz targets: a small COLMAP model in both formats (every camera
// model, keypoints, tracks) and a transforms file, one folder per target.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/colmap_writer.hpp"

namespace {

splat::ColmapModel seed_model() {
  using splat::CameraModel;
  splat::ColmapModel model;
  model.cameras = {{0, CameraModel::SimplePinhole, 64, 48, {60, 32, 24}},
                   {1, CameraModel::Pinhole, 64, 48, {60, 59, 32, 24}},
                   {2, CameraModel::SimpleRadial, 64, 48, {60, 32, 24, 0.01}},
                   {3, CameraModel::Radial, 64, 48, {60, 32, 24, 0.01, 0.001}},
                   {4, CameraModel::OpenCV, 64, 48, {60, 59, 32, 24, 0.01, 0.001, 0, 0}},
                   {5, CameraModel::FullOpenCV, 64, 48, {60, 59, 32, 24, 0, 0, 0, 0, 0, 0, 0, 0}}};
  for (int i = 0; i < 3; ++i) {
    splat::ColmapImage image;
    image.id = i + 1;
    image.camera_id = i;
    image.translation = {0.5 * i, 0, 3};
    image.name = "image_" + std::to_string(i) + ".jpg";
    image.points2d = {{1.5, 2.5, 7}, {3.25, 4.75, -1}};
    model.images.push_back(image);
  }
  for (int p = 0; p < 4; ++p) {
    splat::ColmapPoint3D point;
    point.id = 7 + p;
    point.position = {0.1 * p, -0.2 * p, 1.5};
    point.color = {200, 100, 50};
    point.error = p == 0 ? -1 : 0.5;
    point.track = {{1, 0}, {2, 5}};
    model.points.push_back(point);
  }
  return model;
}

void write(const std::filesystem::path& folder, const std::string& name, const std::string& data) {
  std::filesystem::create_directories(folder);
  std::ofstream(folder / name, std::ios::binary) << data;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_fuzz_seeds <corpus folder>\n");
    return 2;
  }
  const std::filesystem::path root(argv[1]);
  const splat::ColmapModel model = seed_model();
  write(root / "cameras_bin", "seed", splat::colmap_cameras_binary(model));
  write(root / "images_bin", "seed", splat::colmap_images_binary(model));
  write(root / "points3d_bin", "seed", splat::colmap_points3d_binary(model));
  write(root / "cameras_txt", "seed", splat::colmap_cameras_text(model));
  write(root / "images_txt", "seed", splat::colmap_images_text(model));
  write(root / "points3d_txt", "seed", splat::colmap_points3d_text(model));
  write(root / "transforms_json", "seed",
        "{\"camera_angle_x\": 0.69, \"fl_x\": 50, \"fl_y\": 51, \"cx\": 32, \"cy\": 24, "
        "\"w\": 64, \"h\": 48, \"k1\": 0.01, \"camera_model\": \"OPENCV\", \"frames\": "
        "[{\"file_path\": \"./train/r_0\", \"transform_matrix\": [[1, 0, 0, 0], [0, 1, 0, 0], "
        "[0, 0, 1, 4], [0, 0, 0, 1]]}]}");
  return 0;
}
