// Planted ordering bugs for ThreadSanitizer, run by runtime_race_check.sh in a
// -fsanitize=thread build. An upload stream copies pinned rows into a device staging buffer and
// a compute stream's kernel reads them, as the offload engine does:
//   correct       the compute stream waits for the upload's event, the host reuses the pinned
//                 rows only after synchronizing: TSan must stay silent;
//   missing-wait  no cudaStreamWaitEvent: TSan must report a race between the two streams;
//   early-reuse   the host refills the pinned rows before the copy is known to be done: TSan
//                 must report a race between the upload stream and the host.
#include <cuda_runtime_api.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

constexpr int kRows = 4096;

bool ok(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return true;
  std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(status));
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode != "correct" && mode != "missing-wait" && mode != "early-reuse") {
    std::fprintf(stderr, "usage: %s correct|missing-wait|early-reuse\n", argv[0]);
    return 2;
  }
  cudaStream_t upload = nullptr;
  cudaStream_t compute = nullptr;
  cudaEvent_t uploaded = nullptr;
  void* pinned = nullptr;
  void* staging = nullptr;
  void* result = nullptr;
  if (!ok(cudaStreamCreateWithFlags(&upload, cudaStreamNonBlocking), "upload stream") ||
      !ok(cudaStreamCreateWithFlags(&compute, cudaStreamNonBlocking), "compute stream") ||
      !ok(cudaEventCreateWithFlags(&uploaded, cudaEventDisableTiming), "event") ||
      !ok(cudaHostAlloc(&pinned, kRows * sizeof(float), cudaHostAllocDefault), "pinned") ||
      !ok(cudaMalloc(&staging, kRows * sizeof(float)), "staging") ||
      !ok(cudaMalloc(&result, kRows * sizeof(float)), "result"))
    return 1;
  auto* rows = static_cast<float*>(pinned);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < kRows; ++i) rows[i] = static_cast<float>(round * kRows + i);
    ok(cudaMemcpyAsync(staging, pinned, kRows * sizeof(float), cudaMemcpyHostToDevice, upload),
       "upload");
    ok(cudaEventRecord(uploaded, upload), "record");
    if (mode != "missing-wait") ok(cudaStreamWaitEvent(compute, uploaded, 0), "wait");
    splat::emu::enqueue(
        compute,
        [in = static_cast<const float*>(staging), out = static_cast<float*>(result)] {
          for (int i = 0; i < kRows; ++i) out[i] = 2 * in[i];
        },
        "kernel race_probe_consume");
    if (mode == "early-reuse") std::memset(pinned, 0, kRows * sizeof(float));
    ok(cudaStreamSynchronize(compute), "sync compute");
    ok(cudaStreamSynchronize(upload), "sync upload");
  }
  cudaFree(result);
  cudaFree(staging);
  cudaFreeHost(pinned);
  cudaEventDestroy(uploaded);
  cudaStreamDestroy(compute);
  cudaStreamDestroy(upload);
  std::printf("race probe (%s) finished\n", mode.c_str());
  return 0;
}
