#include "io/undistortion.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace splat {

PinholeIntrinsics undistorted_intrinsics(const LensCamera& lens, const std::string& where) {
  PinholeIntrinsics out{lens.fx, lens.fy, lens.cx, lens.cy, lens.width, lens.height};
  if (!lens.has_distortion()) return out;

  // Walk the border of the distorted image (pixel edges, not centres) and find the innermost
  // undistorted coordinate on each side.
  double left = -1e300, right = 1e300, top = -1e300, bottom = 1e300;
  const auto undistorted = [&](double px, double py, double& u, double& v) {
    if (!lens.undistort((px - lens.cx) / lens.fx, (py - lens.cy) / lens.fy, u, v))
      fail(where, ": the lens distortion cannot be inverted at pixel (", px, ", ", py,
           "); the distortion coefficients are not usable");
  };
  const int samples = 256;
  for (int i = 0; i <= samples; ++i) {
    const double sx = lens.width * static_cast<double>(i) / samples;
    const double sy = lens.height * static_cast<double>(i) / samples;
    double u, v;
    undistorted(0, sy, u, v);
    left = std::max(left, u);
    undistorted(lens.width, sy, u, v);
    right = std::min(right, u);
    undistorted(sx, 0, u, v);
    top = std::max(top, v);
    undistorted(sx, lens.height, u, v);
    bottom = std::min(bottom, v);
  }
  const double width = (right - left) * lens.fx;
  const double height = (bottom - top) * lens.fy;
  // Strong distortion could ask for a huge or empty image; neither is a usable camera.
  if (!(width >= 1 && height >= 1 && width <= 4.0 * lens.width && height <= 4.0 * lens.height))
    fail(where, ": undistorting gives an unusable image size ", width, "x", height,
         "; the distortion coefficients are not usable");
  out.width = static_cast<int>(std::floor(width));
  out.height = static_cast<int>(std::floor(height));
  out.cx = -left * lens.fx;
  out.cy = -top * lens.fy;
  return out;
}

Image undistort_image(const Image& input, const LensCamera& lens, const PinholeIntrinsics& target) {
  Image output(target.width, target.height, input.channels);
  const int c = input.channels;
  const double sx = static_cast<double>(input.width) / lens.width;
  const double sy = static_cast<double>(input.height) / lens.height;
  for (int y = 0; y < target.height; ++y) {
    for (int x = 0; x < target.width; ++x) {
      double du, dv;
      lens.distort((x + 0.5 - target.cx) / target.fx, (y + 0.5 - target.cy) / target.fy, du, dv);
      // Source position in sample-index space (centre of sample i is at i + 0.5).
      const double px = (lens.fx * du + lens.cx) * sx - 0.5;
      const double py = (lens.fy * dv + lens.cy) * sy - 0.5;
      const double fx0 = std::floor(px), fy0 = std::floor(py);
      const float ax = static_cast<float>(px - fx0), ay = static_cast<float>(py - fy0);
      const auto clamp_x = [&](double v) {
        return static_cast<int>(std::clamp(v, 0.0, static_cast<double>(input.width - 1)));
      };
      const auto clamp_y = [&](double v) {
        return static_cast<int>(std::clamp(v, 0.0, static_cast<double>(input.height - 1)));
      };
      const int x0 = clamp_x(fx0), x1 = clamp_x(fx0 + 1);
      const int y0 = clamp_y(fy0), y1 = clamp_y(fy0 + 1);
      for (int ch = 0; ch < c; ++ch) {
        const float top = input.at(x0, y0, ch) * (1 - ax) + input.at(x1, y0, ch) * ax;
        const float bottom = input.at(x0, y1, ch) * (1 - ax) + input.at(x1, y1, ch) * ax;
        output.at(x, y, ch) = top * (1 - ay) + bottom * ay;
      }
    }
  }
  return output;
}

}  // namespace splat
