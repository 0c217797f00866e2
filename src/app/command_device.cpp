// `splatstream device`: what the chosen backend is, and whether the memory path works at
// speed: reserves the device budget, round-trips a buffer through it and measures bandwidth.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "app/commands.hpp"
#include "core/backend_select.hpp"
#include "core/buffer.hpp"
#include "core/byte_size.hpp"
#include "core/device_arena.hpp"
#include "core/host_memory.hpp"

namespace splat::app {

namespace {

struct DeviceOptions {
  std::string backend = "auto";
  std::string budget = "256MiB";
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run_device(const DeviceOptions& options) {
  auto backend = make_backend(options.backend);
  const std::size_t budget = parse_bytes(options.budget);
  const DeviceMemoryInfo memory = backend->device_memory();
  std::printf("backend:        %s\n", backend->description().c_str());
  std::printf("device memory:  %s free of %s\n", format_bytes(memory.free_bytes).c_str(),
              format_bytes(memory.total_bytes).c_str());

  DeviceArena arena(*backend, budget);
  const std::size_t bytes = budget / 2;
  auto host = Buffer::allocate(*backend, MemorySpace::PinnedHost, bytes);
  auto check = Buffer::allocate(*backend, MemorySpace::PinnedHost, bytes);
  auto device = arena.allocate(bytes, "bandwidth probe");
  auto* pattern = host.as<unsigned char>();
  for (std::size_t i = 0; i < bytes; ++i) pattern[i] = static_cast<unsigned char>(i * 131 + 7);
  auto stream = backend->create_stream();

  // Warm-up: the first touch of fresh pages would dominate the timing.
  copy_async(*stream, device, host);
  copy_async(*stream, check, device);
  stream->synchronize();
  auto start = std::chrono::steady_clock::now();
  copy_async(*stream, device, host);
  stream->synchronize();
  const double h2d = seconds_since(start);
  start = std::chrono::steady_clock::now();
  copy_async(*stream, check, device);
  stream->synchronize();
  const double d2h = seconds_since(start);
  const bool intact = std::memcmp(host.data(), check.data(), bytes) == 0;

  std::printf("arena:          %s budget, peak %s\n", format_bytes(arena.budget()).c_str(),
              format_bytes(arena.peak()).c_str());
  std::printf("host to device: %.2f GB/s (%s)\n", bytes / h2d / 1e9, format_bytes(bytes).c_str());
  std::printf("device to host: %.2f GB/s\n", bytes / d2h / 1e9);
  std::printf("round trip:     %s\n", intact ? "bytes intact" : "CORRUPTED");
  std::printf("host peak RSS:  %s\n", format_bytes(peak_host_resident_bytes()).c_str());
  return intact ? 0 : 1;
}

}  // namespace

void register_device_command(CLI::App& app) {
  add_command(
      app, "device", "show the compute backend and measure its copy bandwidth", [](CLI::App& sub) {
        auto options = std::make_shared<DeviceOptions>();
        sub.add_option("--backend", options->backend, "auto, cpu or cuda")->capture_default_str();
        sub.add_option("--budget", options->budget, "device memory budget, e.g. 1GiB")
            ->capture_default_str();
        return [options] { return run_device(*options); };
      });
}

}  // namespace splat::app
