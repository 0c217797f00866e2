// View-dependent colour from real spherical harmonics of degree 0..3 (the 3DGS basis and sign
// convention), with the +0.5 offset and the clamp at zero, and its exact derivative with respect
// to the coefficients and to the Gaussian's position (through the viewing direction).
#pragma once

#include <cmath>

#include "math/host_device.hpp"

namespace splat {

namespace sh_constants {
constexpr double kC0 = 0.28209479177387814;
constexpr double kC1 = 0.4886025119029199;
// Scalars, not arrays: device code may use constexpr scalars but not host arrays.
constexpr double kC2_0 = 1.0925484305920792, kC2_1 = -1.0925484305920792,
                 kC2_2 = 0.31539156525252005, kC2_3 = -1.0925484305920792,
                 kC2_4 = 0.5462742152960396;
constexpr double kC3_0 = -0.5900435899266435, kC3_1 = 2.890611442640554,
                 kC3_2 = -0.4570457994644658, kC3_3 = 0.3731763325901154,
                 kC3_4 = -0.4570457994644658, kC3_5 = 1.445305721320277,
                 kC3_6 = -0.5900435899266435;
}  // namespace sh_constants

// Basis values b[0 .. (degree+1)^2) at the unit direction (x, y, z).
template <class S>
SPLAT_HD void sh_basis(int degree, S x, S y, S z, S b[16]) {
  using namespace sh_constants;
  b[0] = S(kC0);
  if (degree < 1) return;
  b[1] = -S(kC1) * y;
  b[2] = S(kC1) * z;
  b[3] = -S(kC1) * x;
  if (degree < 2) return;
  const S xx = x * x, yy = y * y, zz = z * z;
  b[4] = S(kC2_0) * x * y;
  b[5] = S(kC2_1) * y * z;
  b[6] = S(kC2_2) * (2 * zz - xx - yy);
  b[7] = S(kC2_3) * x * z;
  b[8] = S(kC2_4) * (xx - yy);
  if (degree < 3) return;
  b[9] = S(kC3_0) * y * (3 * xx - yy);
  b[10] = S(kC3_1) * x * y * z;
  b[11] = S(kC3_2) * y * (4 * zz - xx - yy);
  b[12] = S(kC3_3) * z * (2 * zz - 3 * xx - 3 * yy);
  b[13] = S(kC3_4) * x * (4 * zz - xx - yy);
  b[14] = S(kC3_5) * z * (xx - yy);
  b[15] = S(kC3_6) * x * (xx - 3 * yy);
}

// d b[k] / d(x, y, z) for k >= 1 (b[0] is constant), as db[k][0..2].
template <class S>
SPLAT_HD void sh_basis_gradient(int degree, S x, S y, S z, S db[16][3]) {
  using namespace sh_constants;
  const auto set = [&](int k, S gx, S gy, S gz) { db[k][0] = gx, db[k][1] = gy, db[k][2] = gz; };
  set(0, 0, 0, 0);
  if (degree < 1) return;
  const S c1 = S(kC1);
  set(1, 0, -c1, 0);
  set(2, 0, 0, c1);
  set(3, -c1, 0, 0);
  if (degree < 2) return;
  const S xx = x * x, yy = y * y, zz = z * z;
  set(4, S(kC2_0) * y, S(kC2_0) * x, 0);
  set(5, 0, S(kC2_1) * z, S(kC2_1) * y);
  set(6, -2 * S(kC2_2) * x, -2 * S(kC2_2) * y, 4 * S(kC2_2) * z);
  set(7, S(kC2_3) * z, 0, S(kC2_3) * x);
  set(8, 2 * S(kC2_4) * x, -2 * S(kC2_4) * y, 0);
  if (degree < 3) return;
  set(9, S(kC3_0) * 6 * x * y, S(kC3_0) * (3 * xx - 3 * yy), 0);
  set(10, S(kC3_1) * y * z, S(kC3_1) * x * z, S(kC3_1) * x * y);
  set(11, S(kC3_2) * -2 * x * y, S(kC3_2) * (4 * zz - xx - 3 * yy), S(kC3_2) * 8 * y * z);
  set(12, S(kC3_3) * -6 * x * z, S(kC3_3) * -6 * y * z, S(kC3_3) * (6 * zz - 3 * xx - 3 * yy));
  set(13, S(kC3_4) * (4 * zz - 3 * xx - yy), S(kC3_4) * -2 * x * y, S(kC3_4) * 8 * x * z);
  set(14, S(kC3_5) * 2 * x * z, S(kC3_5) * -2 * y * z, S(kC3_5) * (xx - yy));
  set(15, S(kC3_6) * (3 * xx - 3 * yy), S(kC3_6) * -6 * x * y, 0);
}

// Unit viewing direction from the camera centre to the Gaussian; returns the distance.
template <class S>
SPLAT_HD S view_direction(const S mean[3], const S camera_center[3], S dir[3]) {
  S v[3] = {mean[0] - camera_center[0], mean[1] - camera_center[1], mean[2] - camera_center[2]};
  const S length = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  const S inv = length > 0 ? S(1) / length : S(0);
  for (int i = 0; i < 3; ++i) dir[i] = v[i] * inv;
  return length;
}

// rgb = max(0, sum_k b_k sh[k] + 0.5) with the first (degree+1)^2 of the stored coefficients
// (sh is [coefficient][rgb]). clamped[c] tells the backward pass which channels were cut.
template <class S>
SPLAT_HD void sh_to_color(int degree, const S* sh, const S mean[3], const S camera_center[3],
                          S rgb[3], bool clamped[3]) {
  S dir[3], b[16];
  view_direction(mean, camera_center, dir);
  sh_basis(degree, dir[0], dir[1], dir[2], b);
  const int count = (degree + 1) * (degree + 1);
  for (int c = 0; c < 3; ++c) {
    S sum = S(0.5);
    for (int k = 0; k < count; ++k) sum += b[k] * sh[k * 3 + c];
    clamped[c] = sum < 0;
    rgb[c] = clamped[c] ? S(0) : sum;
  }
}

// From dL/drgb: dL/dsh for the active coefficients (written, not accumulated) and dL/dmean
// through the direction (accumulated into dmean).
template <class S>
SPLAT_HD void sh_to_color_backward(int degree, const S* sh, const S mean[3],
                                   const S camera_center[3], const S drgb_in[3], S* dsh,
                                   S dmean[3]) {
  S dir[3], b[16], db[16][3];
  const S length = view_direction(mean, camera_center, dir);
  sh_basis(degree, dir[0], dir[1], dir[2], b);
  const int count = (degree + 1) * (degree + 1);
  S drgb[3];
  for (int c = 0; c < 3; ++c) {
    S sum = S(0.5);
    for (int k = 0; k < count; ++k) sum += b[k] * sh[k * 3 + c];
    drgb[c] = sum < 0 ? S(0) : drgb_in[c];
  }
  for (int k = 0; k < count; ++k)
    for (int c = 0; c < 3; ++c) dsh[k * 3 + c] = b[k] * drgb[c];
  if (degree < 1 || !(length > 0)) return;
  sh_basis_gradient(degree, dir[0], dir[1], dir[2], db);
  S ddir[3] = {0, 0, 0};
  for (int k = 1; k < count; ++k) {
    const S weight = sh[k * 3] * drgb[0] + sh[k * 3 + 1] * drgb[1] + sh[k * 3 + 2] * drgb[2];
    for (int a = 0; a < 3; ++a) ddir[a] += weight * db[k][a];
  }
  // dir = v / |v|  =>  dv = (ddir - dir (dir . ddir)) / |v|
  const S along = dir[0] * ddir[0] + dir[1] * ddir[1] + dir[2] * ddir[2];
  for (int a = 0; a < 3; ++a) dmean[a] += (ddir[a] - dir[a] * along) / length;
}

// Camera centre in world space: -R^T t.
template <class S>
SPLAT_HD void camera_center_of(const float R[9], const float t[3], S center[3]) {
  for (int i = 0; i < 3; ++i)
    center[i] = -(S(R[i]) * S(t[0]) + S(R[3 + i]) * S(t[1]) + S(R[6 + i]) * S(t[2]));
}

}  // namespace splat
