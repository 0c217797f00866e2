#include "autograd_oracle.hpp"

#include <cmath>

#include "math/render_constants.hpp"

namespace splat::test {

namespace {

using torch::indexing::Slice;
const auto kDouble = torch::TensorOptions().dtype(torch::kFloat64);

torch::Tensor column(const torch::Tensor& t, int i) {
  return t.index({Slice(), i});
}

// Rotation matrices (N x 3 x 3) of unnormalised quaternions (w, x, y, z).
torch::Tensor rotation_matrices(const torch::Tensor& raw) {
  const auto q = raw / raw.norm(2, 1, true);
  const auto w = column(q, 0), x = column(q, 1), y = column(q, 2), z = column(q, 3);
  const auto rows = std::vector<torch::Tensor>{
      1 - 2 * (y * y + z * z), 2 * (x * y - w * z),     2 * (x * z + w * y),
      2 * (x * y + w * z),     1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
      2 * (x * z - w * y),     2 * (y * z + w * x),     1 - 2 * (x * x + y * y)};
  return torch::stack(rows, 1).view({-1, 3, 3});
}

// The 3DGS real SH basis, written out term by term (N x K) from unit directions.
torch::Tensor sh_basis(const torch::Tensor& d, int degree) {
  const auto x = column(d, 0), y = column(d, 1), z = column(d, 2);
  std::vector<torch::Tensor> b{torch::full_like(x, 0.28209479177387814)};
  if (degree >= 1) {
    const double c1 = 0.4886025119029199;
    b.insert(b.end(), {-c1 * y, c1 * z, -c1 * x});
  }
  if (degree >= 2) {
    b.insert(b.end(), {1.0925484305920792 * x * y, -1.0925484305920792 * y * z,
                       0.31539156525252005 * (2 * z * z - x * x - y * y),
                       -1.0925484305920792 * x * z, 0.5462742152960396 * (x * x - y * y)});
  }
  if (degree >= 3) {
    b.insert(b.end(), {-0.5900435899266435 * y * (3 * x * x - y * y), 2.890611442640554 * x * y * z,
                       -0.4570457994644658 * y * (4 * z * z - x * x - y * y),
                       0.3731763325901154 * z * (2 * z * z - 3 * x * x - 3 * y * y),
                       -0.4570457994644658 * x * (4 * z * z - x * x - y * y),
                       1.445305721320277 * z * (x * x - y * y),
                       -0.5900435899266435 * x * (x * x - 3 * y * y)});
  }
  return torch::stack(b, 1);
}

}  // namespace

OracleOutputs oracle_render(const OracleInputs& in, const PinholeCamera& c, int sh_degree,
                            const double background[3]) {
  const std::int64_t n = in.means.size(0);
  auto W = torch::empty({3, 3}, kDouble);
  auto t = torch::empty({3}, kDouble);
  for (int i = 0; i < 9; ++i) W.view({-1})[i] = double(c.R[i]);
  for (int i = 0; i < 3; ++i) t[i] = double(c.t[i]);

  const auto p = torch::matmul(in.means, W.t()) + t;  // camera space, N x 3
  const auto px = column(p, 0), py = column(p, 1), pz = column(p, 2);

  const auto R = rotation_matrices(in.rotations);
  const auto M = R * torch::exp(in.log_scales).unsqueeze(1);  // scales the columns
  const auto sigma = torch::matmul(M, M.transpose(1, 2));

  // Perspective Jacobian with x/z and y/z clamped a margin beyond the image.
  const double margin = render::kJacobianClampMargin;
  const double fx = c.fx, fy = c.fy;
  const double lim_x_neg = c.cx / fx + margin * 0.5 * c.width / fx;
  const double lim_x_pos = (c.width - c.cx) / fx + margin * 0.5 * c.width / fx;
  const double lim_y_neg = c.cy / fy + margin * 0.5 * c.height / fy;
  const double lim_y_pos = (c.height - c.cy) / fy + margin * 0.5 * c.height / fy;
  const auto tx = pz * torch::clamp(px / pz, -lim_x_neg, lim_x_pos);
  const auto ty = pz * torch::clamp(py / pz, -lim_y_neg, lim_y_pos);
  const auto zeros = torch::zeros_like(pz);
  const auto J =
      torch::stack({fx / pz, zeros, -fx * tx / (pz * pz), zeros, fy / pz, -fy * ty / (pz * pz)}, 1)
          .view({-1, 2, 3});
  const auto T = torch::matmul(J, W);
  const auto cov = torch::matmul(torch::matmul(T, sigma), T.transpose(1, 2));
  const auto a = cov.index({Slice(), 0, 0}) + double(render::kCovarianceDilation);
  const auto b = cov.index({Slice(), 0, 1});
  const auto d = cov.index({Slice(), 1, 1}) + double(render::kCovarianceDilation);
  const auto det = a * d - b * b;
  const auto conic = torch::stack({d / det, -b / det, a / det}, 1);

  OracleOutputs out;
  out.mean2d = torch::stack({fx * px / pz + double(c.cx), fy * py / pz + double(c.cy)}, 1);
  out.mean2d.retain_grad();

  // Screen radius and covered tiles: decisions, not differentiated.
  torch::Tensor visible, rect_x0, rect_x1, rect_y0, rect_y1;
  {
    torch::NoGradGuard no_grad;
    const auto mid = 0.5 * (a + d);
    const auto spread = torch::clamp_min(mid * mid - det, double(render::kMinEigenvalueSpread));
    out.radius =
        torch::ceil(double(render::kRadiusSigmas) * torch::sqrt(mid + torch::sqrt(spread)));
    const double tile = render::kTileSize;
    const std::int64_t tiles_x = (c.width + render::kTileSize - 1) / render::kTileSize;
    const std::int64_t tiles_y = (c.height + render::kTileSize - 1) / render::kTileSize;
    const auto m = out.mean2d.detach();
    rect_x0 = torch::clamp(torch::floor((column(m, 0) - out.radius) / tile), 0, tiles_x);
    rect_y0 = torch::clamp(torch::floor((column(m, 1) - out.radius) / tile), 0, tiles_y);
    rect_x1 = torch::clamp(torch::floor((column(m, 0) + out.radius) / tile) + 1, 0, tiles_x);
    rect_y1 = torch::clamp(torch::floor((column(m, 1) + out.radius) / tile) + 1, 0, tiles_y);
    visible = (pz > double(c.near_plane)) & (det > 0) & (rect_x1 > rect_x0) & (rect_y1 > rect_y0);
    out.radius = torch::where(visible, out.radius, torch::zeros_like(out.radius));
  }

  // Colour from SH, seen from the camera centre -R^T t.
  const auto center = -torch::matmul(W.t(), t);
  const auto dirs = in.means - center;
  const auto unit = dirs / dirs.norm(2, 1, true);
  const int k = (sh_degree + 1) * (sh_degree + 1);
  const auto coefficients = in.sh.index({Slice(), Slice(0, k), Slice()});  // N x k x 3
  const auto rgb =
      torch::clamp_min((sh_basis(unit, sh_degree).unsqueeze(2) * coefficients).sum(1) + 0.5, 0);
  const auto opacity = torch::sigmoid(in.opacity_logits);

  // Dense compositing in depth order; ties by index, as the renderer sorts.
  const auto order = std::get<1>(torch::sort(pz.detach(), /*stable=*/true, 0, false));
  auto ys = torch::arange(c.height, kDouble).view({-1, 1}).expand({c.height, c.width});
  auto xs = torch::arange(c.width, kDouble).view({1, -1}).expand({c.height, c.width});
  const auto tile_x = torch::floor(xs / double(render::kTileSize));
  const auto tile_y = torch::floor(ys / double(render::kTileSize));
  xs = xs + 0.5, ys = ys + 0.5;
  auto color = torch::zeros({c.height, c.width, 3}, kDouble);
  auto Tr = torch::ones({c.height, c.width}, kDouble);
  auto done = torch::zeros({c.height, c.width}, torch::kBool);
  for (std::int64_t j = 0; j < n; ++j) {
    const std::int64_t g = order[j].item<std::int64_t>();
    if (!visible[g].item<bool>()) continue;
    const auto in_rect = (tile_x >= rect_x0[g]) & (tile_x < rect_x1[g]) & (tile_y >= rect_y0[g]) &
                         (tile_y < rect_y1[g]);
    const auto dx = out.mean2d.index({g, 0}) - xs;
    const auto dy = out.mean2d.index({g, 1}) - ys;
    const auto power = -0.5 * (conic.index({g, 0}) * dx * dx + conic.index({g, 2}) * dy * dy) -
                       conic.index({g, 1}) * dx * dy;
    const auto alpha = torch::clamp_max(opacity[g] * torch::exp(power), double(render::kAlphaMax));
    const auto active = in_rect & (power <= 0) & (alpha >= double(render::kAlphaMin)) & ~done;
    const auto next_T = Tr * (1 - alpha);
    const auto stop = active & (next_T < double(render::kTransmittanceMin));
    out.stopped_pixels += stop.sum().item<std::int64_t>();
    done = done | stop;
    const auto blend = active & ~stop;
    color = color + torch::where(blend, alpha * Tr, torch::zeros_like(Tr)).unsqueeze(2) *
                        rgb[g].view({1, 1, 3});
    Tr = torch::where(blend, next_T, Tr);
  }
  auto bg = torch::tensor({background[0], background[1], background[2]}, kDouble);
  out.image = color + Tr.unsqueeze(2) * bg.view({1, 1, 3});
  return out;
}

torch::Tensor oracle_loss(const torch::Tensor& image, const torch::Tensor& target, double weight) {
  auto g = torch::empty({11}, kDouble);
  for (int i = 0; i < 11; ++i) g[i] = std::exp(-(i - 5) * (i - 5) / (2 * 1.5 * 1.5));
  g = g / g.sum();
  const auto window = torch::outer(g, g).view({1, 1, 11, 11}).expand({3, 1, 11, 11}).contiguous();
  const auto x = image.permute({2, 0, 1}).unsqueeze(0);
  const auto y = target.permute({2, 0, 1}).unsqueeze(0);
  const auto blur = [&](const torch::Tensor& v) {
    return torch::conv2d(v, window, {}, 1, 5, 1, 3);
  };
  const auto mx = blur(x), my = blur(y);
  const auto vx = blur(x * x) - mx * mx, vy = blur(y * y) - my * my, cxy = blur(x * y) - mx * my;
  const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
  const auto ssim =
      ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
  return (1 - weight) * (x - y).abs().mean() + weight * (1 - ssim.mean());
}

}  // namespace splat::test
