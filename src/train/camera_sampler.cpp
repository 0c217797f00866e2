#include "train/camera_sampler.hpp"

#include <algorithm>
#include <sstream>

#include "core/error.hpp"

namespace splat {

CameraSampler::CameraSampler(std::size_t camera_count, std::uint64_t seed)
    : count_(camera_count), rng_(seed) {
  SPLAT_REQUIRE(camera_count > 0, "no training cameras to sample from");
  new_epoch({});
}

CameraSampler::CameraSampler(std::vector<float> camera_centers, std::uint64_t seed)
    : CameraSampler(camera_centers.size() / 3, seed) {
  SPLAT_REQUIRE(camera_centers.size() % 3 == 0, "camera centres must be N x 3");
  centers_ = std::move(camera_centers);
}

void CameraSampler::gather_nearest(const std::vector<int>& batch, int want) {
  const int anchor = batch.front();
  const auto distance = [&](int c) {
    double sum = 0;
    for (int a = 0; a < 3; ++a) {
      const double d = centers_[std::size_t(c) * 3 + a] - centers_[std::size_t(anchor) * 3 + a];
      sum += d * d;
    }
    return sum;
  };
  // Among the cameras not yet drawn this epoch; ties by position keep it deterministic.
  const auto first = order_.begin() + static_cast<std::ptrdiff_t>(position_);
  const auto count = std::min<std::ptrdiff_t>(want, order_.end() - first);
  // Cameras already in the batch (after a new epoch began mid-batch) go last.
  const auto key = [&](int c) {
    const bool taken = std::find(batch.begin(), batch.end(), c) != batch.end();
    return std::pair<bool, double>(taken, distance(c));
  };
  std::partial_sort(first, first + count, order_.end(), [&](int a, int b) {
    const auto ka = key(a), kb = key(b);
    return ka < kb || (ka == kb && a < b);
  });
}

void CameraSampler::new_epoch(const std::vector<int>& in_current_batch) {
  order_.resize(count_);
  for (std::size_t i = 0; i < count_; ++i) order_[i] = static_cast<int>(i);
  std::shuffle(order_.begin(), order_.end(), rng_);
  // Cameras already in the batch being filled move behind the others (when there are others).
  std::stable_partition(order_.begin(), order_.end(), [&](int c) {
    return std::find(in_current_batch.begin(), in_current_batch.end(), c) == in_current_batch.end();
  });
  position_ = 0;
}

std::vector<int> CameraSampler::next_batch(int batch_size) {
  SPLAT_REQUIRE(batch_size >= 1, "batch size must be at least 1");
  SPLAT_REQUIRE(static_cast<std::size_t>(batch_size) <= count_, "train.batch_size (", batch_size,
                ") exceeds the number of training cameras (", count_, ")");
  std::vector<int> batch;
  while (static_cast<int>(batch.size()) < batch_size) {
    if (position_ == order_.size()) {
      new_epoch(batch);
      if (!centers_.empty() && !batch.empty())
        gather_nearest(batch, batch_size - static_cast<int>(batch.size()));
    }
    batch.push_back(order_[position_++]);
    if (!centers_.empty() && batch.size() == 1)
      gather_nearest(batch, batch_size - 1);  // the rest of the batch surrounds the first
  }
  return batch;
}

std::vector<int> CameraSampler::peek(int count) const {
  const std::size_t end = std::min(order_.size(), position_ + static_cast<std::size_t>(count));
  return {order_.begin() + static_cast<std::ptrdiff_t>(position_),
          order_.begin() + static_cast<std::ptrdiff_t>(end)};
}

std::string CameraSampler::state() const {
  std::ostringstream out;
  out << count_ << ' ' << position_;
  for (int c : order_) out << ' ' << c;
  out << ' ' << rng_;
  return out.str();
}

void CameraSampler::restore(const std::string& state) {
  std::istringstream in(state);
  std::size_t count = 0, position = 0;
  in >> count >> position;
  SPLAT_REQUIRE(in && count == count_ && position <= count, "camera sampler state is for ", count,
                " cameras, this scene has ", count_);
  std::vector<int> order(count);
  for (int& c : order) in >> c;
  in >> rng_;
  SPLAT_REQUIRE(!in.fail(), "camera sampler state is malformed");
  for (int c : order)
    SPLAT_REQUIRE(c >= 0 && static_cast<std::size_t>(c) < count,
                  "camera sampler state is malformed");
  order_ = std::move(order);
  position_ = position;
}

}  // namespace splat
