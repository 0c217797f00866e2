#include "io/colmap_validation.hpp"

#include <cmath>

namespace splat {

namespace {
template <std::size_t N>
bool all_finite(const std::array<double, N>& values) {
  for (double v : values)
    if (!std::isfinite(v)) return false;
  return true;
}
}  // namespace

void validate_camera(const ColmapCamera& camera, const std::string& where) {
  const CameraModelInfo& info = camera_model_info(camera.model);
  if (camera.width == 0 || camera.height == 0 || camera.width > kMaxColmapImageSide ||
      camera.height > kMaxColmapImageSide)
    fail(where, ": camera ", camera.id, " has an impossible size ", camera.width, "x",
         camera.height);
  if (camera.params.size() != static_cast<std::size_t>(info.param_count))
    fail(where, ": camera ", camera.id, " (", info.name, ") has ", camera.params.size(),
         " parameters, the model has ", info.param_count);
  for (double p : camera.params)
    if (!std::isfinite(p)) fail(where, ": camera ", camera.id, " has a NaN or infinite parameter");
  // Every model starts with its focal length(s); a focal length must be positive.
  const bool two_focals =
      camera.model == CameraModel::Pinhole || camera.model == CameraModel::OpenCV ||
      camera.model == CameraModel::FullOpenCV || camera.model == CameraModel::OpenCVFisheye ||
      camera.model == CameraModel::Fov || camera.model == CameraModel::ThinPrismFisheye ||
      camera.model == CameraModel::RadTanThinPrismFisheye;
  if (!(camera.params[0] > 0) || (two_focals && !(camera.params[1] > 0)))
    fail(where, ": camera ", camera.id, " has a focal length that is not positive");
}

void validate_image(const ColmapImage& image, const std::string& where) {
  if (!all_finite(image.rotation) || !all_finite(image.translation))
    fail(where, ": image ", image.id, " (", image.name, ") has a NaN or infinite pose");
  const double norm =
      std::sqrt(image.rotation[0] * image.rotation[0] + image.rotation[1] * image.rotation[1] +
                image.rotation[2] * image.rotation[2] + image.rotation[3] * image.rotation[3]);
  if (!(norm > 1e-6))
    fail(where, ": image ", image.id, " (", image.name, ") has a zero rotation quaternion");
  if (image.name.empty()) fail(where, ": image ", image.id, " has an empty name");
}

void validate_point(const ColmapPoint3D& point, const std::string& where) {
  if (!all_finite(point.position))
    fail(where, ": point ", point.id, " has a NaN or infinite position");
}

}  // namespace splat
