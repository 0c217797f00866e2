// The CPU backend's ViewRenderer: the reference renderer and the fused loss, in float.
#pragma once

#include <memory>

#include "train/view_renderer.hpp"

namespace splat {

std::unique_ptr<ViewRenderer> make_cpu_view_renderer();

}  // namespace splat
