#include "io/lens_camera.hpp"

#include <cmath>

#include "core/error.hpp"

namespace splat {

bool LensCamera::has_distortion() const {
  for (double k : distortion)
    if (k != 0) return true;
  return false;
}

void LensCamera::distort(double u, double v, double& du, double& dv) const {
  const auto [k1, k2, p1, p2, k3, k4, k5, k6] = distortion;
  const double u2 = u * u, v2 = v * v, uv = u * v, r2 = u2 + v2;
  const double r4 = r2 * r2, r6 = r4 * r2;
  const double radial = (1 + k1 * r2 + k2 * r4 + k3 * r6) / (1 + k4 * r2 + k5 * r4 + k6 * r6);
  du = u * radial + 2 * p1 * uv + p2 * (r2 + 2 * u2);
  dv = v * radial + 2 * p2 * uv + p1 * (r2 + 2 * v2);
}

bool LensCamera::undistort(double du, double dv, double& u, double& v) const {
  u = du;
  v = dv;
  if (!has_distortion()) return true;
  constexpr int kMaxIterations = 100;
  constexpr double kStep = 1e-7;
  for (int iteration = 0; iteration < kMaxIterations; ++iteration) {
    double fu, fv, fu_du, fv_du, fu_dv, fv_dv;
    distort(u, v, fu, fv);
    // Central differences: the Jacobian of the distortion at (u, v).
    double a, b, c, d;
    distort(u + kStep, v, a, b);
    distort(u - kStep, v, c, d);
    fu_du = (a - c) / (2 * kStep);
    fv_du = (b - d) / (2 * kStep);
    distort(u, v + kStep, a, b);
    distort(u, v - kStep, c, d);
    fu_dv = (a - c) / (2 * kStep);
    fv_dv = (b - d) / (2 * kStep);
    const double ru = fu - du, rv = fv - dv;
    const double det = fu_du * fv_dv - fu_dv * fv_du;
    if (!std::isfinite(det) || std::abs(det) < 1e-12) return false;
    const double step_u = (fv_dv * ru - fu_dv * rv) / det;
    const double step_v = (fu_du * rv - fv_du * ru) / det;
    u -= step_u;
    v -= step_v;
    if (!std::isfinite(u) || !std::isfinite(v)) return false;
    if (std::abs(step_u) + std::abs(step_v) < 1e-14) break;
  }
  double check_u, check_v;
  distort(u, v, check_u, check_v);
  return std::abs(check_u - du) + std::abs(check_v - dv) < 1e-9;
}

bool LensCamera::project(const double point[3], double& px, double& py) const {
  if (!(point[2] > 0)) return false;
  double du, dv;
  distort(point[0] / point[2], point[1] / point[2], du, dv);
  px = fx * du + cx;
  py = fy * dv + cy;
  return true;
}

LensCamera LensCamera::scaled(double sx, double sy) const {
  LensCamera out = *this;
  out.fx *= sx;
  out.cx *= sx;
  out.fy *= sy;
  out.cy *= sy;
  out.width = static_cast<int>(std::lround(width * sx));
  out.height = static_cast<int>(std::lround(height * sy));
  return out;
}

LensCamera lens_camera_from_colmap(const ColmapCamera& camera, const std::string& where) {
  const CameraModelInfo& info = camera_model_info(camera.model);
  if (!info.supported)
    fail(where, ": camera ", camera.id, " uses camera model ", info.name,
         ", which is not supported (supported: SIMPLE_PINHOLE, PINHOLE, SIMPLE_RADIAL, RADIAL, "
         "OPENCV, FULL_OPENCV)");
  const std::vector<double>& p = camera.params;
  LensCamera lens;
  lens.width = static_cast<int>(camera.width);
  lens.height = static_cast<int>(camera.height);
  auto& k = lens.distortion;
  switch (camera.model) {
    case CameraModel::SimplePinhole:
      lens.fx = lens.fy = p[0], lens.cx = p[1], lens.cy = p[2];
      break;
    case CameraModel::Pinhole:
      lens.fx = p[0], lens.fy = p[1], lens.cx = p[2], lens.cy = p[3];
      break;
    case CameraModel::SimpleRadial:
      lens.fx = lens.fy = p[0], lens.cx = p[1], lens.cy = p[2], k[0] = p[3];
      break;
    case CameraModel::Radial:
      lens.fx = lens.fy = p[0], lens.cx = p[1], lens.cy = p[2], k[0] = p[3], k[1] = p[4];
      break;
    case CameraModel::OpenCV:
    case CameraModel::FullOpenCV:
      lens.fx = p[0], lens.fy = p[1], lens.cx = p[2], lens.cy = p[3];
      for (std::size_t i = 4; i < p.size(); ++i) k[i - 4] = p[i];
      break;
    default:
      fail(where, ": camera model ", info.name, " is not supported");
  }
  return lens;
}

}  // namespace splat
