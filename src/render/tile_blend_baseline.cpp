// The tile blending kernels compiled for baseline (flags in src/render/CMakeLists.txt).
#define SPLAT_BLEND_ISA baseline
#define SPLAT_BLEND_ISA_NAME "baseline"
#include "render/tile_blend_kernels.inc"
