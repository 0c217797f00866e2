// Checks shared by the binary and the text readers, so both reject the same bad values with the
// same words.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_set>

#include "io/colmap_model.hpp"

namespace splat {

// Largest image side accepted; anything larger is a corrupt size, not a photograph.
constexpr std::uint64_t kMaxColmapImageSide = 1u << 20;

void validate_camera(const ColmapCamera& camera, const std::string& where);
void validate_image(const ColmapImage& image, const std::string& where);
void validate_point(const ColmapPoint3D& point, const std::string& where);

// Fails when `id` was seen before in this file.
template <class Id>
void require_unique_id(std::unordered_set<Id>& seen, Id id, const char* kind,
                       const std::string& where);

}  // namespace splat

#include "core/error.hpp"

template <class Id>
void splat::require_unique_id(std::unordered_set<Id>& seen, Id id, const char* kind,
                              const std::string& where) {
  if (!seen.insert(id).second) fail(where, ": ", kind, " id ", id, " appears twice");
}
