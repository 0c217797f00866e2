// The 3D covariance of a Gaussian from its log-scales and unnormalised quaternion (w, x, y, z):
// Sigma = M M^T with M = R(q / |q|) diag(exp(log_scale)); and the gradient back to both.
#pragma once

#include <cmath>

#include "math/host_device.hpp"
#include "math/rotation.hpp"
#include "math/small_matrix.hpp"

namespace splat {

// dL/dq of the unit quaternion from dL/dR (the derivative of each matrix entry above).
template <class S>
SPLAT_HD void unit_quaternion_to_matrix_backward(const S q[4], const S dR[9], S dq[4]) {
  const S w = q[0], x = q[1], y = q[2], z = q[3];
  dq[0] = 2 * (-z * dR[1] + y * dR[2] + z * dR[3] - x * dR[5] - y * dR[6] + x * dR[7]);
  dq[1] = 2 * (y * dR[1] + z * dR[2] + y * dR[3] - 2 * x * dR[4] - w * dR[5] + z * dR[6] +
               w * dR[7] - 2 * x * dR[8]);
  dq[2] = 2 * (-2 * y * dR[0] + x * dR[1] + w * dR[2] + x * dR[3] + z * dR[5] - w * dR[6] +
               z * dR[7] - 2 * y * dR[8]);
  dq[3] = 2 * (-2 * z * dR[0] - w * dR[1] + x * dR[2] + w * dR[3] - 2 * z * dR[4] + y * dR[5] +
               x * dR[6] + y * dR[7]);
}

// q / |q|; a zero quaternion (never produced by training) maps to the identity.
template <class S>
SPLAT_HD S normalize_quaternion(const S raw[4], S unit[4]) {
  const S norm = std::sqrt(raw[0] * raw[0] + raw[1] * raw[1] + raw[2] * raw[2] + raw[3] * raw[3]);
  if (!(norm > 0)) {
    unit[0] = 1, unit[1] = unit[2] = unit[3] = 0;
    return 0;
  }
  for (int i = 0; i < 4; ++i) unit[i] = raw[i] / norm;
  return norm;
}

// Covariance (row-major 3x3) and M = R S, which the backward pass reuses.
template <class S>
SPLAT_HD void covariance_3d(const S log_scale[3], const S raw_q[4], S sigma[9], S M[9], S R[9],
                            S unit_q[4]) {
  normalize_quaternion(raw_q, unit_q);
  quaternion_to_matrix(unit_q, R);  // unit already; its renormalisation is exact enough
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) M[i * 3 + j] = R[i * 3 + j] * std::exp(log_scale[j]);
  mat_mul_bt<3, 3, 3>(M, M, sigma);
}

// From dL/dSigma (a symmetric 3x3, every entry its own variable's derivative) to dL/dlog_scale
// and dL/draw_q (through the normalisation).
template <class S>
SPLAT_HD void covariance_3d_backward(const S log_scale[3], const S raw_q[4], const S dsigma[9],
                                     S dlog_scale[3], S draw_q[4]) {
  S sigma[9], M[9], R[9], q[4];
  covariance_3d(log_scale, raw_q, sigma, M, R, q);
  // Sigma = M M^T  =>  dM = (dSigma + dSigma^T) M
  S sym[9];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) sym[i * 3 + j] = dsigma[i * 3 + j] + dsigma[j * 3 + i];
  S dM[9];
  mat_mul<3, 3, 3>(sym, M, dM);
  S dR[9];
  for (int j = 0; j < 3; ++j) {
    const S scale = std::exp(log_scale[j]);
    S dscale = 0;
    for (int i = 0; i < 3; ++i) {
      dscale += dM[i * 3 + j] * R[i * 3 + j];
      dR[i * 3 + j] = dM[i * 3 + j] * scale;
    }
    dlog_scale[j] = dscale * scale;
  }
  S dq[4];
  unit_quaternion_to_matrix_backward(q, dR, dq);
  // unit = raw / |raw|  =>  draw = (dq - unit (unit . dq)) / |raw|
  S norm2 = 0;
  for (int i = 0; i < 4; ++i) norm2 += raw_q[i] * raw_q[i];
  if (!(norm2 > 0)) {
    for (int i = 0; i < 4; ++i) draw_q[i] = 0;
    return;
  }
  const S norm = std::sqrt(norm2);
  const S along = q[0] * dq[0] + q[1] * dq[1] + q[2] * dq[2] + q[3] * dq[3];
  for (int i = 0; i < 4; ++i) draw_q[i] = (dq[i] - q[i] * along) / norm;
}

}  // namespace splat
