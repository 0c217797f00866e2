#include "io/camera_model.hpp"

#include <array>

namespace splat {

namespace {
constexpr std::array<CameraModelInfo, 12> kModels{{
    {CameraModel::SimplePinhole, "SIMPLE_PINHOLE", 3, true},
    {CameraModel::Pinhole, "PINHOLE", 4, true},
    {CameraModel::SimpleRadial, "SIMPLE_RADIAL", 4, true},
    {CameraModel::Radial, "RADIAL", 5, true},
    {CameraModel::OpenCV, "OPENCV", 8, true},
    {CameraModel::OpenCVFisheye, "OPENCV_FISHEYE", 8, false},
    {CameraModel::FullOpenCV, "FULL_OPENCV", 12, true},
    {CameraModel::Fov, "FOV", 5, false},
    {CameraModel::SimpleRadialFisheye, "SIMPLE_RADIAL_FISHEYE", 4, false},
    {CameraModel::RadialFisheye, "RADIAL_FISHEYE", 5, false},
    {CameraModel::ThinPrismFisheye, "THIN_PRISM_FISHEYE", 12, false},
    {CameraModel::RadTanThinPrismFisheye, "RAD_TAN_THIN_PRISM_FISHEYE", 16, false},
}};
}  // namespace

const CameraModelInfo* find_camera_model(int id) {
  if (id < 0 || id >= static_cast<int>(kModels.size())) return nullptr;
  return &kModels[static_cast<std::size_t>(id)];
}

const CameraModelInfo* find_camera_model(std::string_view name) {
  for (const CameraModelInfo& info : kModels)
    if (info.name == name) return &info;
  return nullptr;
}

const CameraModelInfo& camera_model_info(CameraModel model) {
  return kModels[static_cast<std::size_t>(model)];
}

}  // namespace splat
