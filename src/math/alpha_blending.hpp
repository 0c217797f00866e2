// One Gaussian's alpha at one pixel, with the reference cut-offs (skip where the exponent is
// positive or alpha < 1/255, cap at 0.99), and the derivative of that alpha with respect to the
// screen-space mean, the conic and the opacity.
#pragma once

#include <cmath>

#include "math/host_device.hpp"
#include "math/render_constants.hpp"

namespace splat {

template <class S>
struct PixelFootprint {
  S dx, dy;     // mean2d - pixel centre
  S gaussian;   // exp(power)
  S alpha;      // min(kAlphaMax, opacity * gaussian)
  bool capped;  // alpha hit the cap: it no longer depends on the Gaussian
};

// An exponent below which opacity * exp(power) is certainly under 1/255, so the per-pixel loop
// can skip exp() there; the margin keeps the shortcut from ever changing a decision.
template <class S>
SPLAT_HD S blending_power_floor(S opacity) {
  return std::log(S(render::kAlphaMin) / opacity) - S(1e-3);
}

// Returns false when the Gaussian does not contribute to this pixel (skipped). `power_floor` is
// blending_power_floor(opacity), computed once per Gaussian.
template <class S>
SPLAT_HD bool pixel_footprint(const S mean2d[2], const S conic[3], S opacity, S power_floor,
                              S pixel_x, S pixel_y, PixelFootprint<S>& f) {
  f.dx = mean2d[0] - pixel_x;
  f.dy = mean2d[1] - pixel_y;
  const S power =
      S(-0.5) * (conic[0] * f.dx * f.dx + conic[2] * f.dy * f.dy) - conic[1] * f.dx * f.dy;
  if (power > 0 || power < power_floor) return false;
  f.gaussian = std::exp(power);
  const S raw = opacity * f.gaussian;
  f.capped = raw > S(render::kAlphaMax);
  f.alpha = f.capped ? S(render::kAlphaMax) : raw;
  return !(f.alpha < S(render::kAlphaMin));
}

// Accumulates dL/dmean2d, dL/dconic and dL/dopacity (the activated opacity) from dL/dalpha.
template <class S>
SPLAT_HD void pixel_footprint_backward(const PixelFootprint<S>& f, const S conic[3], S dalpha,
                                       S dmean2d[2], S dconic[3], S& dopacity) {
  if (f.capped) return;
  dopacity += f.gaussian * dalpha;
  const S dpower = dalpha * f.alpha;  // d(opacity exp(power)) / dpower = alpha
  dmean2d[0] += dpower * (-conic[0] * f.dx - conic[1] * f.dy);
  dmean2d[1] += dpower * (-conic[2] * f.dy - conic[1] * f.dx);
  dconic[0] += dpower * S(-0.5) * f.dx * f.dx;
  dconic[1] += dpower * -f.dx * f.dy;
  dconic[2] += dpower * S(-0.5) * f.dy * f.dy;
}

template <class S>
SPLAT_HD S sigmoid(S x) {
  return S(1) / (S(1) + std::exp(-x));
}

}  // namespace splat
