#include "io/colmap_from_cameras.hpp"

#include "core/error.hpp"
#include "math/rotation.hpp"

namespace splat {

ColmapModel colmap_model_from_cameras(const std::vector<PinholeCamera>& cameras,
                                      const std::vector<std::string>& image_names,
                                      const std::vector<float>& points,
                                      const std::vector<std::uint8_t>& colors) {
  SPLAT_REQUIRE(cameras.size() == image_names.size(), "COLMAP model: ", cameras.size(),
                " cameras but ", image_names.size(), " image names");
  SPLAT_REQUIRE(points.size() % 3 == 0 && colors.size() == points.size(),
                "COLMAP model: ", points.size(), " point coordinates and ", colors.size(),
                " colour values");
  ColmapModel model;
  for (std::size_t i = 0; i < cameras.size(); ++i) {
    const PinholeCamera& c = cameras[i];
    const std::vector<double> params{c.fx, c.fy, c.cx, c.cy};
    std::int32_t camera_id = 0;
    for (const ColmapCamera& existing : model.cameras)
      if (existing.params == params && existing.width == std::uint64_t(c.width) &&
          existing.height == std::uint64_t(c.height))
        camera_id = existing.id;
    if (camera_id == 0) {
      camera_id = static_cast<std::int32_t>(model.cameras.size() + 1);
      model.cameras.push_back({camera_id, CameraModel::Pinhole, std::uint64_t(c.width),
                               std::uint64_t(c.height), params});
    }
    ColmapImage image;
    image.id = static_cast<std::int32_t>(i + 1);
    double R[9];
    for (int k = 0; k < 9; ++k) R[k] = c.R[k];
    double q[4];
    matrix_to_quaternion(R, q);
    image.rotation = {q[0], q[1], q[2], q[3]};
    image.translation = {c.t[0], c.t[1], c.t[2]};
    image.camera_id = camera_id;
    image.name = image_names[i];
    model.images.push_back(std::move(image));
  }
  for (std::size_t p = 0; p < points.size() / 3; ++p) {
    ColmapPoint3D point;
    point.id = p + 1;
    point.position = {points[3 * p], points[3 * p + 1], points[3 * p + 2]};
    point.color = {colors[3 * p], colors[3 * p + 1], colors[3 * p + 2]};
    model.points.push_back(std::move(point));
  }
  return model;
}

}  // namespace splat
