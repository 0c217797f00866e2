#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "core/backend_select.hpp"

int main(int argc, char** argv) {
  std::string why;
  if (!splat::cuda_usable(&why)) {
    std::printf("gpu_tests: skipped: %s\n", why.c_str());
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
