// The colours of the city's surfaces at a point: facades with storeys of windows (some lit),
// brick courses, concrete panels, glass curtain walls; roofs with gravel and parapets; roads
// with lane and centre markings and zebra crossings, sidewalks with paving, plazas, park grass
// and paths; tree canopies and trunks. Pure functions of the position (and the building), so a
// block made again is made identically.
#pragma once

#include "tools/scenes/city_layout.hpp"

namespace splat {

// `along` runs along the wall from its left end seen from outside, `up` from the ground; `face`
// (0..3) tells the walls of one building apart.
Vec3 facade_colour(const CityBuilding& b, int face, float along, float wall_length, float up);
Vec3 roof_colour(const CityBuilding& b, float x, float z);
Vec3 ground_colour(const CityLayout& city, const CityBlock& block, float x, float z);
Vec3 canopy_colour(const Vec3& position);
Vec3 trunk_colour(float up);

// A value in [0, 1) from integer coordinates: texture variation that needs no random state.
float hash01(int a, int b, int c);

}  // namespace splat
