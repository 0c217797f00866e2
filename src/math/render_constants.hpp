// The constants of the reference 3DGS rasterizer, in one place so that the CPU reference, the
// CUDA kernels and the test oracle cannot drift apart.
#pragma once

namespace splat::render {

constexpr int kTileSize = 16;                 // tiles are kTileSize x kTileSize pixels
constexpr float kAlphaMax = 0.99f;            // alpha is capped so transmittance never hits 0
constexpr float kAlphaMin = 1.0f / 255.0f;    // contributions below this are skipped
constexpr float kTransmittanceMin = 1e-4f;    // a pixel stops once T would fall below this
constexpr float kCovarianceDilation = 0.3f;   // low-pass filter added to the 2D covariance
constexpr float kRadiusSigmas = 3.0f;         // screen radius = 3 sigma of the major axis
constexpr float kMinEigenvalueSpread = 0.1f;  // floor of (mid^2 - det) in the radius formula
constexpr float kJacobianClampMargin = 0.3f;  // x/z clamped to the image + 30% of the fov
constexpr float kScreenGradientScale = 0.5f;  // pixels -> NDC units of the 2e-4 threshold

}  // namespace splat::render
