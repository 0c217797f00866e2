// The one emulated device: an H100 SXM. Its properties are also the launch limits the device
// side checks against, so both read them from here.
#pragma once

#include <cuda_runtime_api.h>

namespace splat::emu {

// 1, or 0 when the environment sets SPLAT_EMU_DEVICES=0 (to test the no-GPU paths).
int emulated_device_count();

const cudaDeviceProp& emulated_device_properties();

}  // namespace splat::emu
