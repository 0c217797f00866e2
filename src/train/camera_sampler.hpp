// Draws training cameras in random order without replacement: every camera once per epoch,
// a new shuffle each epoch, and never the same camera twice in one batch. Batches are either
// the next B cameras of the shuffle (`random`), or spatially coherent: the next camera of the
// shuffle plus the B - 1 unused cameras of this epoch whose centres are nearest to it, so the
// cameras of a batch share most of their Gaussians (less to stream in offloaded training).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace splat {

class CameraSampler {
 public:
  CameraSampler(std::size_t camera_count, std::uint64_t seed);
  // Coherent batches around camera centres (N x 3, world space).
  CameraSampler(std::vector<float> camera_centers, std::uint64_t seed);
  std::vector<int> next_batch(int batch_size);
  // Up to `count` cameras the next draws will return (within the current epoch).
  std::vector<int> peek(int count) const;
  // Order, position and random engine as text, for checkpoints.
  std::string state() const;
  void restore(const std::string& state);

 private:
  void new_epoch(const std::vector<int>& in_current_batch);

  std::size_t count_;
  std::mt19937_64 rng_;
  // Moves the `want` unused cameras nearest to the batch's first camera to the current
  // position of the order.
  void gather_nearest(const std::vector<int>& batch, int want);

  std::vector<float> centers_;  // empty: random batches
  std::vector<int> order_;
  std::size_t position_ = 0;
};

}  // namespace splat
