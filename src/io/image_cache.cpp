#include "io/image_cache.hpp"

#include <algorithm>
#include <chrono>

#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "io/view_image_loader.hpp"

namespace splat {

ImageCacheOptions image_cache_options(const DataOptions& data) {
  ImageCacheOptions options;
  options.budget_bytes = data.image_cache;
  options.threads = data.decode_threads;
  options.undistort_cache_dir = data.cache_dir;
  return options;
}

ImageCache::ImageCache(std::vector<SceneView> views, const ImageCacheOptions& options)
    : views_(std::move(views)), budget_(options.budget_bytes), entries_(views_.size()) {
  if (options.disk_cache)
    disk_cache_ = std::make_unique<UndistortedImageCache>(options.undistort_cache_dir);
  int threads = options.threads;
  if (threads <= 0)
    threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ImageCache::~ImageCache() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  work_ready_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

const PinholeCamera& ImageCache::camera(std::size_t index) const {
  return views_.at(index).camera;
}

const std::string& ImageCache::name(std::size_t index) const {
  return views_.at(index).name;
}

std::size_t ImageCache::expected_bytes(std::size_t index) const {
  const PinholeCamera& c = views_[index].camera;
  return static_cast<std::size_t>(c.width) * c.height * 3 * sizeof(float);
}

void ImageCache::touch_locked(std::size_t index) {
  Entry& entry = entries_[index];
  if (entry.in_lru) lru_.splice(lru_.begin(), lru_, entry.lru_position);
}

void ImageCache::insert_locked(std::size_t index, std::shared_ptr<const ViewImage> image) {
  const std::size_t bytes = image->rgb.size() * sizeof(float);
  Entry& entry = entries_[index];
  entry.image = std::move(image);
  // An image larger than the whole budget is handed out but not kept.
  if (bytes > budget_) {
    entry.image.reset();
    return;
  }
  while (stats_.resident_bytes + bytes > budget_ && !lru_.empty()) {
    const std::size_t victim = lru_.back();
    lru_.pop_back();
    Entry& old = entries_[victim];
    stats_.resident_bytes -= old.image->rgb.size() * sizeof(float);
    old.image.reset();
    old.in_lru = false;
    ++stats_.evictions;
  }
  lru_.push_front(index);
  entry.in_lru = true;
  entry.lru_position = lru_.begin();
  stats_.resident_bytes += bytes;
  stats_.peak_bytes = std::max(stats_.peak_bytes, stats_.resident_bytes);
}

std::shared_ptr<const ViewImage> ImageCache::produce(std::size_t index,
                                                     std::unique_lock<std::mutex>& lock) {
  entries_[index].loading = true;
  lock.unlock();
  std::shared_ptr<const ViewImage> image;
  std::exception_ptr error;
  const auto start = std::chrono::steady_clock::now();
  try {
    image = std::make_shared<const ViewImage>(load_view_image(views_[index], disk_cache_.get()));
  } catch (...) {
    error = std::current_exception();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  lock.lock();
  Entry& entry = entries_[index];
  entry.loading = false;
  entry.error = error;
  if (image) {
    ++stats_.decoded;
    stats_.decoded_pixels += static_cast<std::size_t>(image->width) * image->height;
    stats_.decode_seconds += seconds;
    insert_locked(index, image);
  }
  image_ready_.notify_all();
  return image;
}

std::shared_ptr<const ViewImage> ImageCache::image(std::size_t index) {
  SPLAT_REQUIRE(index < views_.size(), "image cache: view ", index, " of ", views_.size());
  std::unique_lock<std::mutex> lock(mutex_);
  ++stats_.requests;
  bool waited = false;
  for (;;) {
    Entry& entry = entries_[index];
    if (entry.image) {
      if (!waited) ++stats_.hits;
      touch_locked(index);
      return entry.image;
    }
    if (entry.error) std::rethrow_exception(entry.error);
    if (!entry.loading) break;
    if (!waited) ++stats_.waits;
    waited = true;
    image_ready_.wait(lock);
  }
  // Not cached and not in flight: decode here rather than queue behind prefetches.
  auto image = produce(index, lock);
  if (!image) std::rethrow_exception(entries_[index].error);
  return image;
}

void ImageCache::prefetch(const std::vector<int>& indices) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.clear();
    std::size_t planned = 0;
    for (int i : indices) {
      if (i < 0 || static_cast<std::size_t>(i) >= views_.size()) continue;
      const Entry& entry = entries_[static_cast<std::size_t>(i)];
      if (entry.image || entry.loading || entry.error) continue;
      planned += expected_bytes(static_cast<std::size_t>(i));
      if (planned > budget_) break;
      queue_.push_back(static_cast<std::size_t>(i));
    }
  }
  work_ready_.notify_all();
}

void ImageCache::worker_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const std::size_t index = queue_.front();
    queue_.pop_front();
    const Entry& entry = entries_[index];
    if (entry.image || entry.loading || entry.error) continue;
    produce(index, lock);
  }
}

ImageCacheStats ImageCache::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

std::string ImageCache::summary() const {
  const ImageCacheStats s = stats();
  char rates[96];
  std::snprintf(rates, sizeof(rates), "%.1f images/s, %.1f MP/s per thread", s.images_per_second(),
                s.megapixels_per_second());
  return str_cat("image cache: ", s.requests, " requests, ", s.hits, " hits, ", s.decoded,
                 " decoded (", rates, ", ", workers_.size(), " threads), ", s.evictions,
                 " evicted, peak ", format_bytes(s.peak_bytes), " of ", format_bytes(budget_));
}

}  // namespace splat
