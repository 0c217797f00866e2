// The CUDA backend's resident store: parameters, moments and gradients in the device arena;
// Adam as the fused kernel. pull/push copy the whole model (densification steps only).
#pragma once

#include <memory>

#include "core/backend.hpp"
#include "core/device_arena.hpp"
#include "train/parameter_store.hpp"

namespace splat {

std::unique_ptr<ParameterStore> make_device_parameter_store(Backend& backend, DeviceArena& arena,
                                                            Stream& stream,
                                                            TrainableGaussians& host);

}  // namespace splat
