#include <catch2/catch.hpp>

#include "core/backend_select.hpp"
#include "core/error.hpp"

using namespace splat;
using Catch::Contains;

TEST_CASE("API errors name the file, line, call and reason", "[errors]") {
  const std::string message = format_api_error("CUDA", "/long/build/path/cuda/rasterize.cu", 42,
                                               "cudaMemcpyAsync(dst, src, n)", "invalid argument");
  CHECK(message ==
        "CUDA error at rasterize.cu:42: cudaMemcpyAsync(dst, src, n) failed: invalid argument");
}

TEST_CASE("backend selection: cpu, auto and bad values", "[errors]") {
  REQUIRE(make_backend("cpu")->kind() == BackendKind::Cpu);
  REQUIRE(make_backend("auto") != nullptr);
  REQUIRE_THROWS_WITH(make_backend("gpu"),
                      Contains("unknown value 'gpu'") && Contains("auto, cpu or cuda"));
}

TEST_CASE("backend selection: cuda without a usable GPU is an error, not a crash", "[errors]") {
  std::string why;
  if (cuda_usable(&why)) {
    SUCCEED("a GPU is usable here; covered by gpu_tests");
    return;
  }
  REQUIRE_FALSE(why.empty());
  REQUIRE_THROWS_WITH(make_backend("cuda"), Contains("cuda was requested but") && Contains(why));
  REQUIRE(make_backend("auto")->kind() == BackendKind::Cpu);
}
