// The training images of a scene behind the ViewSource interface: decoded by background
// threads into host memory with a byte budget, least recently used out first, prefetched on
// request. A scene with thousands of large images never needs them all in memory.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "io/scene.hpp"
#include "io/undistorted_image_cache.hpp"
#include "train/view_source.hpp"

namespace splat {

struct ImageCacheOptions {
  std::size_t budget_bytes = std::size_t{2} << 30;
  int threads = 0;                  // 0: one per core, at most 8
  std::string undistort_cache_dir;  // empty: the default location
  bool disk_cache = true;           // keep undistorted images on disk between runs
};

ImageCacheOptions image_cache_options(const DataOptions& data);

struct ImageCacheStats {
  std::size_t requests = 0, hits = 0;  // image() calls, and those served from memory
  std::size_t waits = 0;               // image() calls that waited for a prefetch in flight
  std::size_t decoded = 0;             // images produced (decoded or read from the disk cache)
  std::size_t decoded_pixels = 0;
  std::size_t evictions = 0;
  std::size_t resident_bytes = 0, peak_bytes = 0;
  double decode_seconds = 0;  // summed over all decoding threads
  // Per decoding thread; the cache's throughput is up to `threads` times this.
  double images_per_second() const { return decode_seconds > 0 ? decoded / decode_seconds : 0; }
  double megapixels_per_second() const {
    return decode_seconds > 0 ? decoded_pixels / decode_seconds / 1e6 : 0;
  }
};

class ImageCache : public ViewSource {
 public:
  ImageCache(std::vector<SceneView> views, const ImageCacheOptions& options);
  ~ImageCache() override;
  ImageCache(const ImageCache&) = delete;
  ImageCache& operator=(const ImageCache&) = delete;

  std::size_t count() const override { return views_.size(); }
  const PinholeCamera& camera(std::size_t index) const override;
  const std::string& name(std::size_t index) const override;
  // Throws the Error of a failed decode (naming the file), also for a failed prefetch.
  std::shared_ptr<const ViewImage> image(std::size_t index) override;
  // Replaces the pending prefetch list: the newest hint is the most accurate. Requests beyond
  // what the budget holds are dropped (they would evict each other).
  void prefetch(const std::vector<int>& indices) override;

  const SceneView& view(std::size_t index) const { return views_.at(index); }
  ImageCacheStats stats() const;
  int threads() const { return static_cast<int>(workers_.size()); }
  // A line for logs: hits, decodes, throughput, memory.
  std::string summary() const;

 private:
  struct Entry {
    std::shared_ptr<const ViewImage> image;
    std::exception_ptr error;
    bool loading = false;
    bool in_lru = false;
    std::list<std::size_t>::iterator lru_position;
  };

  void worker_loop();
  // Decodes without holding the lock, then stores the result; returns it.
  std::shared_ptr<const ViewImage> produce(std::size_t index, std::unique_lock<std::mutex>& lock);
  void touch_locked(std::size_t index);
  void insert_locked(std::size_t index, std::shared_ptr<const ViewImage> image);
  std::size_t expected_bytes(std::size_t index) const;

  std::vector<SceneView> views_;
  std::size_t budget_;
  std::unique_ptr<UndistortedImageCache> disk_cache_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable image_ready_;
  std::vector<Entry> entries_;
  std::list<std::size_t> lru_;  // front: most recently used
  std::deque<std::size_t> queue_;
  ImageCacheStats stats_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace splat
