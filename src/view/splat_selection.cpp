#include "view/splat_selection.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "io/gaussian_ply_layout.hpp"

namespace splat {

namespace {

constexpr int kBins = 4096;
constexpr float kLowest = -80.0f, kHighest = 20.0f;  // log scores outside are clamped
constexpr std::size_t kRowsPerRead = 65536;

template <class Visit>
void for_each_range(const GaussianPlyFile& file, Visit visit) {
  GaussianModel rows;
  for (std::size_t begin = 0; begin < file.size(); begin += kRowsPerRead) {
    const std::size_t end = std::min(file.size(), begin + kRowsPerRead);
    file.read_rows(begin, end, rows);
    if (!visit(begin, rows)) return;
  }
}

}  // namespace

int splat_score_bin(float opacity_logit, const float log_scales[3]) {
  // log(sigmoid(x)) = -log(1 + e^-x), written to stay finite for large |x|.
  const double x = opacity_logit;
  const double log_opacity = x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x));
  const double score = log_opacity + double(log_scales[0]) + log_scales[1] + log_scales[2];
  const double clamped = std::clamp(score, double(kLowest), double(kHighest));
  const int bin = static_cast<int>((clamped - kLowest) / (kHighest - kLowest) * kBins);
  return std::min(bin, kBins - 1);
}

SplatSelection select_splats(const GaussianPlyFile& file, std::size_t max_splats) {
  SplatSelection s;
  s.total = file.size();
  if (s.total <= max_splats) {
    s.sent = s.total;
    return s;
  }
  std::vector<std::size_t> histogram(kBins, 0);
  for_each_range(file, [&](std::size_t, const GaussianModel& rows) {
    for (std::size_t i = 0; i < rows.size(); ++i)
      ++histogram[splat_score_bin(rows.opacity_logits[i], &rows.log_scales[i * 3])];
    return true;
  });
  std::size_t above = 0;
  for (int b = kBins - 1; b >= 0; --b) {
    if (above + histogram[b] >= max_splats) {
      s.threshold_bin = b;
      s.quota_at_threshold = max_splats - above;
      break;
    }
    above += histogram[b];
  }
  s.subset = true;
  s.sent = max_splats;
  return s;
}

void stream_splats(const GaussianPlyFile& file, const SplatSelection& selection,
                   const std::function<bool(const char*, std::size_t)>& write) {
  const std::string header = gaussian_ply_header(selection.sent, file.sh_degree());
  if (!write(header.data(), header.size())) return;
  std::vector<float> out;
  std::size_t quota = selection.quota_at_threshold;
  for_each_range(file, [&](std::size_t, const GaussianModel& rows) {
    out.clear();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (selection.subset) {
        const int bin = splat_score_bin(rows.opacity_logits[i], &rows.log_scales[i * 3]);
        if (bin < selection.threshold_bin) continue;
        if (bin == selection.threshold_bin) {
          if (quota == 0) continue;
          --quota;
        }
      }
      append_gaussian_ply_row(rows, i, out);
    }
    return write(reinterpret_cast<const char*>(out.data()), out.size() * sizeof(float));
  });
}

}  // namespace splat
