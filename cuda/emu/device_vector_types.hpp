// CUDA's vector types (float2, int4, dim3, ...) and their make_* constructors for emulation, with
// CUDA's alignments: a float4 load in a kernel must see the same layout as on a GPU.
#pragma once

#define SPLAT_EMU_VECTOR_1(name, T, align) \
  struct alignas(align) name {             \
    T x;                                   \
  };                                       \
  constexpr name make_##name(T x) {        \
    return name{x};                        \
  }
#define SPLAT_EMU_VECTOR_2(name, T, align) \
  struct alignas(align) name {             \
    T x, y;                                \
  };                                       \
  constexpr name make_##name(T x, T y) {   \
    return name{x, y};                     \
  }
#define SPLAT_EMU_VECTOR_3(name, T, align)    \
  struct alignas(align) name {                \
    T x, y, z;                                \
  };                                          \
  constexpr name make_##name(T x, T y, T z) { \
    return name{x, y, z};                     \
  }
#define SPLAT_EMU_VECTOR_4(name, T, align)         \
  struct alignas(align) name {                     \
    T x, y, z, w;                                  \
  };                                               \
  constexpr name make_##name(T x, T y, T z, T w) { \
    return name{x, y, z, w};                       \
  }

// The scalar's alignment for 1 and 3 components; the whole vector's for 2 and 4 (up to 16 bytes).
#define SPLAT_EMU_VECTORS(prefix, T)              \
  SPLAT_EMU_VECTOR_1(prefix##1, T, alignof(T))    \
  SPLAT_EMU_VECTOR_2(prefix##2, T, 2 * sizeof(T)) \
  SPLAT_EMU_VECTOR_3(prefix##3, T, alignof(T))    \
  SPLAT_EMU_VECTOR_4(prefix##4, T, 4 * sizeof(T) < 16 ? 4 * sizeof(T) : 16)

SPLAT_EMU_VECTORS(char, signed char)
SPLAT_EMU_VECTORS(uchar, unsigned char)
SPLAT_EMU_VECTORS(short, short)
SPLAT_EMU_VECTORS(ushort, unsigned short)
SPLAT_EMU_VECTORS(int, int)
SPLAT_EMU_VECTORS(uint, unsigned int)
SPLAT_EMU_VECTORS(long, long)
SPLAT_EMU_VECTORS(ulong, unsigned long)
SPLAT_EMU_VECTORS(longlong, long long)
SPLAT_EMU_VECTORS(ulonglong, unsigned long long)
SPLAT_EMU_VECTORS(float, float)
SPLAT_EMU_VECTORS(double, double)

#undef SPLAT_EMU_VECTORS
#undef SPLAT_EMU_VECTOR_1
#undef SPLAT_EMU_VECTOR_2
#undef SPLAT_EMU_VECTOR_3
#undef SPLAT_EMU_VECTOR_4

// Grid and block sizes: unspecified components are 1, as in CUDA.
struct dim3 {
  unsigned int x, y, z;
  constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1)
      : x(vx), y(vy), z(vz) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr operator uint3() const { return uint3{x, y, z}; }
};
