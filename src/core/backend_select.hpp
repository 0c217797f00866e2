// Chooses the backend at run time from the config's `backend` value.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/backend.hpp"

namespace splat {

// Whether a CUDA GPU can be used; when not, `why` says why in words.
bool cuda_usable(std::string* why);

// "cpu", "cuda" or "auto". `auto` takes the GPU when one is usable and says in one log line
// when it falls back to the CPU; `cuda` without a usable GPU is an Error.
std::unique_ptr<Backend> make_backend(std::string_view choice);

}  // namespace splat
