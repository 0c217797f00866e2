#include "io_test_support.hpp"

#include <cmath>
#include <random>

#include "io/colmap_writer.hpp"
#include "io/image_codec.hpp"

namespace splat::test {

ColmapModel make_test_model(int images, int points) {
  std::mt19937 engine(7);
  std::uniform_real_distribution<double> unit(-1, 1);
  ColmapModel model;
  model.cameras.push_back({0, CameraModel::SimplePinhole, 64, 48, {60, 32, 24}});
  model.cameras.push_back({1, CameraModel::Pinhole, 64, 48, {61, 59, 31.5, 24.5}});
  model.cameras.push_back({5, CameraModel::SimpleRadial, 64, 48, {60, 32, 24, -0.05}});
  model.cameras.push_back({7, CameraModel::Radial, 64, 48, {60, 32, 24, -0.04, 0.01}});
  model.cameras.push_back(
      {9, CameraModel::OpenCV, 64, 48, {60, 58, 32, 24, -0.05, 0.01, 0.001, -0.002}});
  model.cameras.push_back({11,
                           CameraModel::FullOpenCV,
                           64,
                           48,
                           {60, 58, 32, 24, -0.05, 0.01, 0.001, -0.002, 0.001, 0.01, 0, 0}});
  for (int i = 0; i < images; ++i) {
    ColmapImage image;
    image.id = i;  // from 0, as other tools write them
    const double angle = 0.3 * i;
    image.rotation = {std::cos(angle / 2), 0, std::sin(angle / 2), 0};
    image.translation = {0.1 * i, -0.2, 4.0 + 0.05 * i};
    image.camera_id = model.cameras[static_cast<std::size_t>(i) % model.cameras.size()].id;
    image.name = "view_" + std::to_string(100 + i) + ".png";
    for (int k = 0; k < 5; ++k)
      image.points2d.push_back({10.5 + k, 20.25 - k, k % 2 == 0 ? k : -1});
    model.images.push_back(image);
  }
  for (int p = 0; p < points; ++p) {
    ColmapPoint3D point;
    point.id = static_cast<std::uint64_t>(1000 + 3 * p);
    point.position = {unit(engine), unit(engine), unit(engine)};
    point.color = {static_cast<std::uint8_t>(p * 11), static_cast<std::uint8_t>(255 - p),
                   static_cast<std::uint8_t>(p * 7)};
    point.error = p % 3 == 0 ? -1.0 : 0.25 * p;
    point.track = {{0, p}, {1, 1000 + p}};  // unresolvable indices, as other tools write
    model.points.push_back(point);
  }
  return model;
}

Image make_pattern(int width, int height, int channels) {
  Image image(width, height, channels);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < channels; ++c) {
        const float gradient = (c == 0 ? x / float(width) : y / float(height));
        const float checker = ((x / 4 + y / 4) % 2) * 0.25f;
        image.at(x, y, c) = c == 3 ? 1.0f : std::fmod(gradient * 0.7f + checker + 0.1f * c, 1.0f);
      }
  return image;
}

void write_colmap_dataset(const std::string& dir, const ColmapModel& model, ColmapFormat format,
                          const std::string& images, int image_divisor) {
  namespace fs = std::filesystem;
  write_colmap_model((fs::path(dir) / "sparse" / "0").string(), model, format);
  fs::create_directories(fs::path(dir) / images);
  for (const ColmapImage& image : model.images) {
    for (const ColmapCamera& camera : model.cameras) {
      if (camera.id != image.camera_id) continue;
      const int w = static_cast<int>(std::lround(double(camera.width) / image_divisor));
      const int h = static_cast<int>(std::lround(double(camera.height) / image_divisor));
      write_png((fs::path(dir) / images / image.name).string(), make_pattern(w, h));
    }
  }
}

}  // namespace splat::test
