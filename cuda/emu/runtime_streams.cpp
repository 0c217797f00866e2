// Streams of the emulated runtime. Each stream is a detached worker thread that runs its
// queue in order. A work item may also wait for markers of other streams: an event it was
// told to wait for (cudaStreamWaitEvent), or, by the legacy default stream's rules, the latest
// work of the legacy stream or of every blocking stream. Nothing else orders two streams.
//
// ThreadSanitizer sees exactly these edges (happens_before.hpp): submit -> the work (the host's
// writes before a call are visible to the work), a stream's items in order (one thread), and
// a marker's completion -> whoever waits for it (another stream's work, or the host in a
// synchronize, a successful query, cudaFree). All queue and counter bookkeeping runs in
// InternalScopes.
#include "cuda/emu/runtime_streams.hpp"

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cuda/emu/cub_device_support.hpp"
#include "cuda/emu/kernel_fault.hpp"
#include "cuda/emu/runtime_errors.hpp"

namespace splat::emu {

struct Marker {
  Shared<CUstream_st> stream;
  std::uint64_t seq = 0;                               // the work's position in its stream
  std::chrono::steady_clock::time_point reached_at{};  // guarded by the stream's mutex
  // Addresses that carry TSan's edges: the submitter's past -> the work (enqueued); the work
  // and its stream's earlier work -> whoever waits for the marker (completed).
  char enqueued = 0;
  char completed = 0;
};

}  // namespace splat::emu

using splat::emu::MarkerRef;

struct CUstream_st {
  struct Item {
    std::function<void()> work;
    std::string what;
    MarkerRef marker;
    std::vector<MarkerRef> after;  // markers of other streams to wait for first
  };

  CUstream_st(bool blocking_, bool legacy_) : blocking(blocking_), legacy(legacy_) {}

  const bool blocking;  // synchronizes with the legacy default stream
  const bool legacy;    // is the legacy default stream

  std::mutex mutex;
  std::condition_variable work_ready;  // the worker waits for items (or destruction)
  std::condition_variable progress;    // waiters for markers wait for `completed`
  std::deque<Item> queue;
  std::uint64_t submitted = 0;
  std::uint64_t completed = 0;
  // The latest work's marker: the stream's current position. Cleared when the worker retires
  // (it and the marker hold each other).
  MarkerRef last;
  // The handle is no longer valid; the worker retires once the queue is empty. Written under
  // both the registry's and the stream's lock.
  bool destroyed = false;
};

namespace splat::emu {

namespace {

thread_local bool is_stream_worker = false;

// Every stream whose worker has not retired, and the legacy default stream (created on first
// use, never retired). Leaked on purpose: detached workers may outlive static destruction.
struct Registry {
  std::mutex mutex;
  std::unordered_map<CUstream_st*, Shared<CUstream_st>> streams;
  Shared<CUstream_st> legacy;
};

Registry& registry() {
  static auto* r = new Registry;
  return *r;
}

void run_item(CUstream_st::Item& item) {
  for (const MarkerRef& marker : item.after) wait(marker);
  acquire(&item.marker->enqueued);
  // After a fault the device's context is lost: queued work is skipped, as on a GPU (CUDA
  // does not call host functions after an error either). Markers still complete.
  if (item.work && sticky_error() == cudaSuccess) {
    try {
      item.work();
    } catch (const KernelFault& e) {
      record_fault(cudaErrorLaunchFailure, e.what());  // it names the kernel already
    } catch (const std::exception& e) {
      record_fault(cudaErrorLaunchFailure, item.what + ": " + e.what());
    } catch (...) {
      record_fault(cudaErrorLaunchFailure, item.what + ": an exception of unknown type");
    }
  }
  {
    // Captures of the work die here, unseen, so that their reference counts order nothing.
    InternalScope scope;
    item.work = nullptr;
  }
}

// The worker owns a reference to its stream; it retires once the stream is destroyed and its
// queue is empty.
void worker_main(Shared<CUstream_st>* owner) {
  is_stream_worker = true;
  CUstream_st& s = **owner;
  for (;;) {
    std::optional<CUstream_st::Item> item;
    {
      InternalScope scope;
      std::unique_lock lock(s.mutex);
      s.work_ready.wait(lock, [&] { return !s.queue.empty() || s.destroyed; });
      if (s.queue.empty()) break;
      item.emplace(std::move(s.queue.front()));
      s.queue.pop_front();
    }
    run_item(*item);
    const auto now = std::chrono::steady_clock::now();
    release(&item->marker->completed);
    InternalScope scope;
    std::lock_guard lock(s.mutex);
    item->marker->reached_at = now;
    s.completed = item->marker->seq;
    s.progress.notify_all();
    item.reset();
  }
  InternalScope scope;
  {
    std::lock_guard lock(registry().mutex);
    registry().streams.erase(&s);
  }
  {
    std::lock_guard lock(s.mutex);
    s.last = nullptr;
  }
  delete owner;
}

Shared<CUstream_st> start_stream(bool blocking, bool legacy) {
  auto stream = Shared<CUstream_st>::make(blocking, legacy);
  Shared<CUstream_st>* owner = nullptr;
  {
    InternalScope scope;
    owner = new Shared<CUstream_st>(stream);
  }
  std::thread(worker_main, owner).detach();
  return stream;
}

// Under the registry's lock. nullptr for an unknown or destroyed handle.
Shared<CUstream_st> find_locked(Registry& r, cudaStream_t handle) {
  if (handle == nullptr || handle == cudaStreamLegacy) {
    if (!r.legacy) r.legacy = start_stream(/*blocking=*/true, /*legacy=*/true);
    return r.legacy;
  }
  const auto it = r.streams.find(handle);
  if (it == r.streams.end() || it->second->destroyed) return nullptr;
  return it->second;
}

cudaError_t invalid_stream(cudaStream_t handle) {
  char why[96];
  std::snprintf(why, sizeof why, "stream %p is not a live stream", static_cast<void*>(handle));
  return fail(cudaErrorInvalidResourceHandle, why);
}

// The stream's latest marker (nullptr if it never had work), or an error.
cudaError_t last_marker(cudaStream_t handle, MarkerRef& last) {
  InternalScope scope;
  Registry& r = registry();
  std::lock_guard registry_lock(r.mutex);
  const Shared<CUstream_st> stream = find_locked(r, handle);
  if (!stream) return invalid_stream(handle);
  std::lock_guard lock(stream->mutex);
  last = stream->last;
  return cudaSuccess;
}

}  // namespace

cudaError_t submit(cudaStream_t handle, std::function<void()> work, std::string what,
                   const MarkerRef& after, MarkerRef* done) {
  if (const cudaError_t status = entry_status(); status != cudaSuccess) return status;
  MarkerRef marker = MarkerRef::make();
  release(&marker->enqueued);

  InternalScope scope;
  Registry& r = registry();
  // One lock over choosing the legacy-stream dependencies and queueing, so that concurrent
  // submits to the legacy stream and a blocking stream see each other in one order.
  std::lock_guard registry_lock(r.mutex);
  Shared<CUstream_st> stream = find_locked(r, handle);
  if (!stream) return invalid_stream(handle);

  std::vector<MarkerRef> deps;
  if (after) deps.push_back(after);
  if (stream->legacy) {
    for (const auto& [raw, other] : r.streams) {
      if (!other->blocking) continue;
      std::lock_guard lock(other->mutex);
      if (other->last) deps.push_back(other->last);
    }
  } else if (stream->blocking && r.legacy) {
    std::lock_guard lock(r.legacy->mutex);
    if (r.legacy->last) deps.push_back(r.legacy->last);
  }

  {
    std::lock_guard lock(stream->mutex);
    marker->stream = stream;
    marker->seq = ++stream->submitted;
    stream->last = marker;
    stream->queue.push_back({std::move(work), std::move(what), marker, std::move(deps)});
  }
  stream->work_ready.notify_one();
  if (done) *done = marker;
  return cudaSuccess;
}

void wait(const MarkerRef& marker) {
  {
    InternalScope scope;
    CUstream_st& s = *marker->stream;
    std::unique_lock lock(s.mutex);
    s.progress.wait(lock, [&] { return s.completed >= marker->seq; });
  }
  acquire(&marker->completed);
}

bool reached(const MarkerRef& marker) {
  {
    InternalScope scope;
    CUstream_st& s = *marker->stream;
    std::lock_guard lock(s.mutex);
    if (s.completed < marker->seq) return false;
  }
  acquire(&marker->completed);
  return true;
}

std::chrono::steady_clock::time_point reached_at(const MarkerRef& marker) {
  InternalScope scope;
  std::lock_guard lock(marker->stream->mutex);
  return marker->reached_at;
}

void synchronize_all_streams() {
  std::vector<MarkerRef> lasts;
  {
    InternalScope scope;
    Registry& r = registry();
    std::lock_guard registry_lock(r.mutex);
    auto add = [&](CUstream_st& s) {
      std::lock_guard lock(s.mutex);
      if (s.last) lasts.push_back(s.last);
    };
    for (const auto& [raw, stream] : r.streams) add(*stream);
    if (r.legacy) add(*r.legacy);
  }
  for (const MarkerRef& marker : lasts) wait(marker);
}

bool on_stream_worker() {
  return is_stream_worker;
}

void enqueue(cudaStream_t stream, std::function<void()> work, const char* what) {
  // A failure (sticky fault, bad stream) is what the launch's cudaGetLastError reports.
  submit(stream, std::move(work), what != nullptr ? what : "kernel");
}

}  // namespace splat::emu

using splat::emu::fail;

extern "C" {

cudaError_t cudaStreamCreate(cudaStream_t* pStream) {
  return cudaStreamCreateWithFlags(pStream, cudaStreamDefault);
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* pStream, unsigned int flags) {
  if (const cudaError_t status = splat::emu::entry_status(); status != cudaSuccess) return status;
  if (pStream == nullptr || (flags & ~cudaStreamNonBlocking) != 0)
    return fail(cudaErrorInvalidValue);
  try {
    auto stream = splat::emu::start_stream((flags & cudaStreamNonBlocking) == 0, false);
    splat::emu::InternalScope scope;
    auto& r = splat::emu::registry();
    std::lock_guard lock(r.mutex);
    r.streams.emplace(stream.get(), stream);
    *pStream = stream.get();
  } catch (const std::system_error& e) {
    return fail(cudaErrorMemoryAllocation,
                std::string("cannot start a stream worker: ") + e.what());
  }
  return cudaSuccess;
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  // The stream goes away even after a fault, so that its worker does not linger.
  splat::emu::InternalScope scope;
  auto& r = splat::emu::registry();
  std::lock_guard registry_lock(r.mutex);
  const auto it = r.streams.find(stream);
  if (it == r.streams.end() || it->second->destroyed) return splat::emu::invalid_stream(stream);
  CUstream_st& s = *it->second;
  {
    std::lock_guard lock(s.mutex);
    s.destroyed = true;  // queued work still runs, as in CUDA
  }
  s.work_ready.notify_one();
  return splat::emu::sticky_error();
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  if (const cudaError_t status = splat::emu::entry_status(); status != cudaSuccess) return status;
  MarkerRef last;
  if (const cudaError_t status = splat::emu::last_marker(stream, last); status != cudaSuccess)
    return status;
  if (last) splat::emu::wait(last);
  return splat::emu::sticky_error();  // a fault in the awaited work surfaces here
}

cudaError_t cudaStreamQuery(cudaStream_t stream) {
  if (const cudaError_t status = splat::emu::entry_status(); status != cudaSuccess) return status;
  MarkerRef last;
  if (const cudaError_t status = splat::emu::last_marker(stream, last); status != cudaSuccess)
    return status;
  if (last && !splat::emu::reached(last)) return cudaErrorNotReady;
  return splat::emu::sticky_error();
}

cudaError_t cudaLaunchHostFunc(cudaStream_t stream, cudaHostFn_t fn, void* userData) {
  if (fn == nullptr) return fail(cudaErrorInvalidValue);
  return splat::emu::submit(
      stream, [fn, userData] { fn(userData); }, "host function (cudaLaunchHostFunc)");
}

cudaError_t cudaDeviceSynchronize(void) {
  if (const cudaError_t status = splat::emu::entry_status(); status != cudaSuccess) return status;
  splat::emu::synchronize_all_streams();
  return splat::emu::sticky_error();
}

}  // extern "C"

namespace splat::emu {

// For the emulated CUB algorithms (cub_device_support.hpp).
cudaError_t submit_device_work(cudaStream_t stream, std::function<void()> work, const char* what) {
  return submit(stream, std::move(work), what);
}

}  // namespace splat::emu
