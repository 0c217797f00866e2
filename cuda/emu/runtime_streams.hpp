// Streams of the emulated runtime: each one a worker thread that runs its work in order.
// Events and memory calls build on submit() and the markers it hands out. Internal to cuda/emu.
#pragma once

#include <cuda_runtime_api.h>

#include <chrono>
#include <functional>
#include <string>

#include "cuda/emu/happens_before.hpp"

namespace splat::emu {

// A point in one stream's order: reached when the work submitted with it has run (and so has
// everything before it on that stream). What events capture and stream waits wait for.
struct Marker;
using MarkerRef = Shared<Marker>;

// Appends `work` (may be empty: a pure marker) to `stream` (0 or cudaStreamLegacy: the legacy
// default stream). If `after` is set, the work also waits until `after` is reached. `what`
// names the work in fault messages. Returns the entry status, or
// cudaErrorInvalidResourceHandle for an unknown or destroyed stream (both kept as last error);
// on success *done, if given, is the work's marker.
cudaError_t submit(cudaStream_t stream, std::function<void()> work, std::string what,
                   const MarkerRef& after = nullptr, MarkerRef* done = nullptr);

// Blocks until `marker` is reached; from then on the caller is ordered after its work.
void wait(const MarkerRef& marker);

// Whether `marker` is reached, without blocking; if so, as wait().
bool reached(const MarkerRef& marker);

// When the stream's worker reached `marker`; only meaningful once reached(marker).
std::chrono::steady_clock::time_point reached_at(const MarkerRef& marker);

// Waits for all work queued so far on every stream.
void synchronize_all_streams();

// Whether the calling thread is a stream's worker (runtime calls from there are refused).
bool on_stream_worker();

}  // namespace splat::emu
