// Events of the emulated runtime. cudaEventRecord submits an empty work item to the stream;
// its marker is the event's latest record (a later record replaces it, as in CUDA, while
// waits already issued keep the one they captured). The marker's reached_at is the time the
// stream's worker got there, which is what timing events measure.
#include <chrono>
#include <mutex>
#include <unordered_set>

#include "cuda/emu/happens_before.hpp"
#include "cuda/emu/runtime_errors.hpp"
#include "cuda/emu/runtime_streams.hpp"

using splat::emu::fail;
using splat::emu::InternalScope;
using splat::emu::MarkerRef;

struct CUevent_st {
  explicit CUevent_st(unsigned int flags_) : flags(flags_) {}
  const unsigned int flags;
  MarkerRef record;  // the latest record; empty until the first. Guarded by the registry's lock
};

namespace {

// Live events, so that a destroyed or made-up handle is an error rather than a crash.
struct EventRegistry {
  std::mutex mutex;
  std::unordered_set<CUevent_st*> events;
};

EventRegistry& events() {
  static auto* r = new EventRegistry;  // leaked, like the stream registry
  return *r;
}

// The event's latest record, or an error for an unknown handle.
cudaError_t latest_record(cudaEvent_t event, MarkerRef& record, unsigned int* flags = nullptr) {
  InternalScope scope;
  EventRegistry& r = events();
  std::lock_guard lock(r.mutex);
  if (r.events.count(event) == 0) return fail(cudaErrorInvalidResourceHandle);
  record = event->record;
  if (flags) *flags = event->flags;
  return cudaSuccess;
}

}  // namespace

extern "C" {

cudaError_t cudaEventCreate(cudaEvent_t* event) {
  return cudaEventCreateWithFlags(event, cudaEventDefault);
}

cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned int flags) {
  if (const cudaError_t status = splat::emu::entry_status(); status != cudaSuccess) return status;
  constexpr unsigned int kKnown =
      cudaEventBlockingSync | cudaEventDisableTiming | cudaEventInterprocess;
  const bool interprocess_with_timing =
      (flags & cudaEventInterprocess) != 0 && (flags & cudaEventDisableTiming) == 0;
  if (event == nullptr || (flags & ~kKnown) != 0 || interprocess_with_timing)
    return fail(cudaErrorInvalidValue);
  InternalScope scope;
  auto* created = new CUevent_st(flags);
  EventRegistry& r = events();
  std::lock_guard lock(r.mutex);
  r.events.insert(created);
  *event = created;
  return cudaSuccess;
}

cudaError_t cudaEventDestroy(cudaEvent_t event) {
  // Waits already issued keep their own reference to the record, so destroying an event whose
  // record is pending is fine, as in CUDA.
  InternalScope scope;
  EventRegistry& r = events();
  std::lock_guard lock(r.mutex);
  if (r.events.erase(event) == 0) return fail(cudaErrorInvalidResourceHandle);
  delete event;
  return splat::emu::sticky_error();
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  MarkerRef unused;
  if (const cudaError_t status = latest_record(event, unused); status != cudaSuccess) return status;
  MarkerRef record;
  if (const cudaError_t status =
          splat::emu::submit(stream, nullptr, "cudaEventRecord", nullptr, &record);
      status != cudaSuccess)
    return status;
  InternalScope scope;
  EventRegistry& r = events();
  std::lock_guard lock(r.mutex);
  if (r.events.count(event) == 0) return fail(cudaErrorInvalidResourceHandle);
  event->record = record;
  return cudaSuccess;
}

cudaError_t cudaEventQuery(cudaEvent_t event) {
  if (const cudaError_t status = splat::emu::entry_status(); status != cudaSuccess) return status;
  MarkerRef record;
  if (const cudaError_t status = latest_record(event, record); status != cudaSuccess) return status;
  if (record && !splat::emu::reached(record)) return cudaErrorNotReady;
  return splat::emu::sticky_error();
}

cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  if (const cudaError_t status = splat::emu::entry_status(); status != cudaSuccess) return status;
  MarkerRef record;
  if (const cudaError_t status = latest_record(event, record); status != cudaSuccess) return status;
  if (record) splat::emu::wait(record);  // never recorded: complete, as in CUDA
  return splat::emu::sticky_error();
}

cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, unsigned int flags) {
  if (const cudaError_t status = splat::emu::entry_status(); status != cudaSuccess) return status;
  if (flags != 0) return fail(cudaErrorInvalidValue);
  MarkerRef record;
  if (const cudaError_t status = latest_record(event, record); status != cudaSuccess) return status;
  // An event never recorded is complete: nothing to wait for (but the stream must be valid).
  return splat::emu::submit(stream, nullptr, "cudaStreamWaitEvent", record);
}

cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
  if (const cudaError_t status = splat::emu::entry_status(); status != cudaSuccess) return status;
  if (ms == nullptr) return fail(cudaErrorInvalidValue);
  MarkerRef from;
  MarkerRef to;
  unsigned int from_flags = 0;
  unsigned int to_flags = 0;
  if (const cudaError_t status = latest_record(start, from, &from_flags); status != cudaSuccess)
    return status;
  if (const cudaError_t status = latest_record(end, to, &to_flags); status != cudaSuccess)
    return status;
  // CUDA: a timing-disabled or never-recorded event is an invalid handle for timing.
  if (((from_flags | to_flags) & cudaEventDisableTiming) != 0 || !from || !to)
    return fail(cudaErrorInvalidResourceHandle);
  if (!splat::emu::reached(from) || !splat::emu::reached(to)) return cudaErrorNotReady;
  const std::chrono::duration<float, std::milli> elapsed =
      splat::emu::reached_at(to) - splat::emu::reached_at(from);
  *ms = elapsed.count();
  return splat::emu::sticky_error();
}

}  // extern "C"
