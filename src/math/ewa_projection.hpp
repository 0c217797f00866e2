// EWA splatting of one 3D Gaussian into a camera: mean to pixels, 2D covariance through the
// perspective Jacobian (clamped to a little beyond the field of view, as the reference does),
// the low-pass dilation, the conic (inverse 2D covariance) and a 3-sigma screen radius. The
// backward pass is the exact derivative of the same arithmetic, clamp included.
#pragma once

#include <cmath>

#include "math/camera.hpp"
#include "math/gaussian_covariance.hpp"
#include "math/host_device.hpp"
#include "math/render_constants.hpp"
#include "math/small_matrix.hpp"

namespace splat {

template <class S>
struct ScreenGaussian {
  S mean2d[2];  // pixels; pixel (i, j) has its centre at (i + 0.5, j + 0.5)
  S depth;      // camera-space z
  S conic[3];   // inverse of the dilated 2D covariance: (xx, xy, yy)
  S radius;     // pixels
};

// A camera-space coordinate whose ratio to z is clamped to [-limit_neg, limit_pos], with its
// partial derivatives, so that the Jacobian stays bounded for Gaussians far off-screen.
template <class S>
struct ClampedCoordinate {
  S value;
  S d_coordinate;
  S d_depth;
};

template <class S>
SPLAT_HD ClampedCoordinate<S> clamp_to_view(S coordinate, S z, S limit_neg, S limit_pos) {
  const S ratio = coordinate / z;
  if (ratio < -limit_neg) return {-limit_neg * z, S(0), -limit_neg};
  if (ratio > limit_pos) return {limit_pos * z, S(0), limit_pos};
  return {coordinate, S(1), S(0)};
}

template <class S>
SPLAT_HD void camera_view_limits(const PinholeCamera& c, S limits[4]) {
  const S margin_x = S(render::kJacobianClampMargin) * S(0.5) * S(c.width) / S(c.fx);
  const S margin_y = S(render::kJacobianClampMargin) * S(0.5) * S(c.height) / S(c.fy);
  limits[0] = S(c.cx) / S(c.fx) + margin_x;                 // x, negative side
  limits[1] = (S(c.width) - S(c.cx)) / S(c.fx) + margin_x;  // x, positive side
  limits[2] = S(c.cy) / S(c.fy) + margin_y;
  limits[3] = (S(c.height) - S(c.cy)) / S(c.fy) + margin_y;
}

template <class S>
SPLAT_HD void world_to_camera(const PinholeCamera& c, const S p[3], S out[3]) {
  for (int i = 0; i < 3; ++i)
    out[i] = S(c.R[i * 3]) * p[0] + S(c.R[i * 3 + 1]) * p[1] + S(c.R[i * 3 + 2]) * p[2] + S(c.t[i]);
}

// The 2x3 matrix T = J W that maps a world-space covariance to screen space.
template <class S>
SPLAT_HD void screen_jacobian(const PinholeCamera& c, const S p_cam[3],
                              const ClampedCoordinate<S>& tx, const ClampedCoordinate<S>& ty,
                              S T[6]) {
  const S z = p_cam[2];
  const S fx = c.fx, fy = c.fy;
  const S J[6] = {fx / z, 0, -fx * tx.value / (z * z), 0, fy / z, -fy * ty.value / (z * z)};
  S W[9];
  for (int i = 0; i < 9; ++i) W[i] = c.R[i];
  mat_mul<2, 3, 3>(J, W, T);
}

// What the forward and the backward pass both compute from a camera-space mean: the 3D
// covariance, the clamped Jacobian T = J W, T Sigma, and the dilated 2D covariance [[a, b],
// [b, d]] with its determinant.
template <class S>
struct ProjectionTerms {
  S p[3];  // camera-space mean (set by the caller)
  ClampedCoordinate<S> tx, ty;
  S T[6], TS[6];
  S a, b, d, det;
};

template <class S>
SPLAT_HD void projection_terms(const PinholeCamera& c, const S log_scale[3], const S raw_q[4],
                               ProjectionTerms<S>& t) {
  S sigma[9], M[9], R[9], q[4];
  covariance_3d(log_scale, raw_q, sigma, M, R, q);
  S limits[4];
  camera_view_limits(c, limits);
  t.tx = clamp_to_view(t.p[0], t.p[2], limits[0], limits[1]);
  t.ty = clamp_to_view(t.p[1], t.p[2], limits[2], limits[3]);
  S cov[4];
  screen_jacobian(c, t.p, t.tx, t.ty, t.T);
  mat_mul<2, 3, 3>(t.T, sigma, t.TS);
  mat_mul_bt<2, 3, 2>(t.TS, t.T, cov);
  t.a = cov[0] + S(render::kCovarianceDilation);
  t.b = cov[1];
  t.d = cov[3] + S(render::kCovarianceDilation);
  t.det = t.a * t.d - t.b * t.b;
}

// Projects one Gaussian; returns false when it is culled (not between the near and far planes,
// or degenerate).
// The screen radius is finite and positive when this returns true.
template <class S>
SPLAT_HD bool project_gaussian(const PinholeCamera& c, const S mean[3], const S log_scale[3],
                               const S raw_q[4], ScreenGaussian<S>& out) {
  ProjectionTerms<S> t;
  world_to_camera(c, mean, t.p);
  if (!(t.p[2] > S(c.near_plane)) || !(t.p[2] < S(c.far_plane))) return false;
  projection_terms(c, log_scale, raw_q, t);
  const S *p = t.p, a = t.a, b = t.b, d = t.d, det = t.det;
  if (!(det > 0)) return false;
  out.conic[0] = d / det;
  out.conic[1] = -b / det;
  out.conic[2] = a / det;
  out.mean2d[0] = S(c.fx) * p[0] / p[2] + S(c.cx);
  out.mean2d[1] = S(c.fy) * p[1] / p[2] + S(c.cy);
  out.depth = p[2];
  const S mid = S(0.5) * (a + d);
  const S spread = mid * mid - det;
  const S major =
      mid + std::sqrt(spread > S(render::kMinEigenvalueSpread) ? spread
                                                               : S(render::kMinEigenvalueSpread));
  out.radius = std::ceil(S(render::kRadiusSigmas) * std::sqrt(major));
  return std::isfinite(out.radius) && std::isfinite(out.mean2d[0]) && std::isfinite(out.mean2d[1]);
}

// Gradients of one projected Gaussian's parameters from dL/dmean2d and dL/dconic (the three
// stored conic values are independent variables). Outputs are overwritten.
template <class S>
SPLAT_HD void project_gaussian_backward(const PinholeCamera& c, const S mean[3],
                                        const S log_scale[3], const S raw_q[4], const S dmean2d[2],
                                        const S dconic[3], S dmean[3], S dlog_scale[3],
                                        S draw_q[4]) {
  ProjectionTerms<S> terms;
  world_to_camera(c, mean, terms.p);
  projection_terms(c, log_scale, raw_q, terms);
  const S *p = terms.p, *T = terms.T, *TS = terms.TS;
  const auto &tx = terms.tx, &ty = terms.ty;
  const S a = terms.a, b = terms.b, d = terms.d, det = terms.det;
  // conic K = C^-1 with C = [[a, b], [b, d]]. As a matrix function dL/dC = -K G K, where G holds
  // dL/dK with the shared off-diagonal derivative split over both entries.
  const S K[4] = {d / det, -b / det, -b / det, a / det};
  const S G[4] = {dconic[0], S(0.5) * dconic[1], S(0.5) * dconic[1], dconic[2]};
  S KG[4], dC[4];
  mat_mul<2, 2, 2>(K, G, KG);
  mat_mul<2, 2, 2>(KG, K, dC);
  for (S& v : dC) v = -v;
  // cov = T Sigma T^T  =>  dSigma = T^T dC T,  dT = (dC + dC^T) T Sigma
  S dCT[6], dsigma[9];
  mat_mul<2, 2, 3>(dC, T, dCT);
  mat_mul_at<3, 2, 3>(T, dCT, dsigma);
  const S dC_sym[4] = {2 * dC[0], dC[1] + dC[2], dC[1] + dC[2], 2 * dC[3]};
  S dT[6];
  mat_mul<2, 2, 3>(dC_sym, TS, dT);
  // T = J W  =>  dJ = dT W^T
  S W[9], dJ[6];
  for (int i = 0; i < 9; ++i) W[i] = c.R[i];
  mat_mul_bt<2, 3, 3>(dT, W, dJ);
  // J = [[fx/z, 0, -fx tx/z^2], [0, fy/z, -fy ty/z^2]] with tx, ty the clamped coordinates.
  const S z = p[2], z2 = z * z, z3 = z2 * z;
  const S fx = c.fx, fy = c.fy;
  const S dJ02_dtx = -fx / z2, dJ12_dty = -fy / z2;
  S dp[3];
  dp[0] = dJ[2] * dJ02_dtx * tx.d_coordinate;
  dp[1] = dJ[5] * dJ12_dty * ty.d_coordinate;
  dp[2] = -fx / z2 * dJ[0] - fy / z2 * dJ[4] +
          dJ[2] * (dJ02_dtx * tx.d_depth + 2 * fx * tx.value / z3) +
          dJ[5] * (dJ12_dty * ty.d_depth + 2 * fy * ty.value / z3);
  // mean2d = (fx x / z + cx, fy y / z + cy), unclamped.
  dp[0] += dmean2d[0] * fx / z;
  dp[1] += dmean2d[1] * fy / z;
  dp[2] -= dmean2d[0] * fx * p[0] / z2 + dmean2d[1] * fy * p[1] / z2;
  // p = W mean + t  =>  dmean = W^T dp
  mat_mul_at<3, 3, 1>(W, dp, dmean);
  covariance_3d_backward(log_scale, raw_q, dsigma, dlog_scale, draw_q);
}

}  // namespace splat
