// Gradients of Gaussians that left the working set while a later camera of the batch still
// needs them: held on the host, only for those, until their last use. Nothing N-sized.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace splat {

class PartialGradients {
 public:
  PartialGradients(std::size_t geometry_width, std::size_t appearance_width)
      : geometry_width_(geometry_width), appearance_width_(appearance_width) {}

  // Adds `count` gradient rows (geometry and appearance; a group of width 0 is not held, as
  // geometry is not when it stays on the device) to what is held for `ids`.
  void add(const std::uint32_t* ids, std::size_t count, const float* geometry,
           const float* appearance);
  // For rows at their last use: adds what is held for each id into its rows (held + row, the
  // order add() uses) and forgets it.
  void take(const std::uint32_t* ids, std::size_t count, float* geometry, float* appearance);
  // For rows coming back to the device: writes what is held for each id (zeros where nothing
  // is) into its rows and forgets it, so accumulation resumes on the device in the order
  // resident training sums.
  void extract(const std::uint32_t* ids, std::size_t count, float* geometry, float* appearance);
  std::size_t held() const;
  void clear();

 private:
  // The Adam worker adds and takes while the gather worker extracts.
  mutable std::mutex mutex_;
  std::size_t geometry_width_, appearance_width_;
  std::unordered_map<std::uint32_t, std::size_t> index_;  // id -> row in the pools
  std::vector<std::size_t> free_rows_;
  std::size_t pool_rows_ = 0;  // rows in the pools (a group may have width 0)
  std::vector<float> geometry_, appearance_;
};

}  // namespace splat
