#include "io/image_resize.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace splat {

namespace {
// For one axis: which input samples each output sample averages, with which weights.
struct AxisWeights {
  std::vector<int> first;     // per output index: first input index
  std::vector<int> count;     // per output index: number of input indices
  std::vector<float> weight;  // concatenated, each output's weights summing to 1
  std::vector<int> offset;    // per output index: start in `weight`
};

AxisWeights axis_weights(int in_size, int out_size) {
  AxisWeights w;
  const double scale = static_cast<double>(in_size) / out_size;
  for (int o = 0; o < out_size; ++o) {
    const double begin = o * scale, end = (o + 1) * scale;
    int i0 = static_cast<int>(std::floor(begin));
    int i1 = std::min(in_size, static_cast<int>(std::ceil(end)));
    i0 = std::min(i0, in_size - 1);
    w.first.push_back(i0);
    w.count.push_back(i1 - i0);
    w.offset.push_back(static_cast<int>(w.weight.size()));
    for (int i = i0; i < i1; ++i) {
      // Coverage of input pixel [i, i+1) by the output footprint [begin, end); when upscaling
      // the footprint is smaller than a pixel and this is nearest-neighbour.
      const double covered = std::min<double>(end, i + 1) - std::max<double>(begin, i);
      w.weight.push_back(static_cast<float>(covered / (end - begin)));
    }
  }
  return w;
}
}  // namespace

Image resize_area(const Image& input, int width, int height) {
  SPLAT_REQUIRE(width > 0 && height > 0 && input.width > 0 && input.height > 0,
                "resize: cannot resize ", input.width, "x", input.height, " to ", width, "x",
                height);
  if (width == input.width && height == input.height) return input;
  const int c = input.channels;
  const AxisWeights wx = axis_weights(input.width, width);
  const AxisWeights wy = axis_weights(input.height, height);

  // Horizontal pass into (input.height x width), then vertical into (height x width).
  Image horizontal(width, input.height, c);
  for (int y = 0; y < input.height; ++y) {
    for (int x = 0; x < width; ++x) {
      float sum[4] = {0, 0, 0, 0};
      for (int k = 0; k < wx.count[x]; ++k) {
        const float w = wx.weight[wx.offset[x] + k];
        for (int ch = 0; ch < c; ++ch) sum[ch] += w * input.at(wx.first[x] + k, y, ch);
      }
      for (int ch = 0; ch < c; ++ch) horizontal.at(x, y, ch) = sum[ch];
    }
  }
  Image output(width, height, c);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      float sum[4] = {0, 0, 0, 0};
      for (int k = 0; k < wy.count[y]; ++k) {
        const float w = wy.weight[wy.offset[y] + k];
        for (int ch = 0; ch < c; ++ch) sum[ch] += w * horizontal.at(x, wy.first[y] + k, ch);
      }
      for (int ch = 0; ch < c; ++ch) output.at(x, y, ch) = sum[ch];
    }
  }
  return output;
}

}  // namespace splat
