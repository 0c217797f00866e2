// Rotations between unit quaternions (w, x, y, z; Hamilton convention, as COLMAP and Eigen use)
// and row-major 3x3 matrices.
#pragma once

#include <cmath>

#include "math/host_device.hpp"

namespace splat {

// Normalises q on the way; q must not be zero.
template <class T>
SPLAT_HD void quaternion_to_matrix(const T q_in[4], T R[9]) {
  const T n =
      std::sqrt(q_in[0] * q_in[0] + q_in[1] * q_in[1] + q_in[2] * q_in[2] + q_in[3] * q_in[3]);
  const T w = q_in[0] / n, x = q_in[1] / n, y = q_in[2] / n, z = q_in[3] / n;
  R[0] = 1 - 2 * (y * y + z * z);
  R[1] = 2 * (x * y - w * z);
  R[2] = 2 * (x * z + w * y);
  R[3] = 2 * (x * y + w * z);
  R[4] = 1 - 2 * (x * x + z * z);
  R[5] = 2 * (y * z - w * x);
  R[6] = 2 * (x * z - w * y);
  R[7] = 2 * (y * z + w * x);
  R[8] = 1 - 2 * (x * x + y * y);
}

// The unit quaternion with w >= 0 of a rotation matrix (Shepperd's method: divides by the
// largest of the four candidates, so it stays accurate for every rotation).
template <class T>
SPLAT_HD void matrix_to_quaternion(const T R[9], T q[4]) {
  const T trace = R[0] + R[4] + R[8];
  if (trace >= R[0] && trace >= R[4] && trace >= R[8]) {
    const T s = std::sqrt(1 + trace) * 2;
    q[0] = s / 4;
    q[1] = (R[7] - R[5]) / s;
    q[2] = (R[2] - R[6]) / s;
    q[3] = (R[3] - R[1]) / s;
  } else if (R[0] >= R[4] && R[0] >= R[8]) {
    const T s = std::sqrt(1 + R[0] - R[4] - R[8]) * 2;
    q[0] = (R[7] - R[5]) / s;
    q[1] = s / 4;
    q[2] = (R[1] + R[3]) / s;
    q[3] = (R[2] + R[6]) / s;
  } else if (R[4] >= R[8]) {
    const T s = std::sqrt(1 + R[4] - R[0] - R[8]) * 2;
    q[0] = (R[2] - R[6]) / s;
    q[1] = (R[1] + R[3]) / s;
    q[2] = s / 4;
    q[3] = (R[5] + R[7]) / s;
  } else {
    const T s = std::sqrt(1 + R[8] - R[0] - R[4]) * 2;
    q[0] = (R[3] - R[1]) / s;
    q[1] = (R[2] + R[6]) / s;
    q[2] = (R[5] + R[7]) / s;
    q[3] = s / 4;
  }
  if (q[0] < 0)
    for (int i = 0; i < 4; ++i) q[i] = -q[i];
}

}  // namespace splat
