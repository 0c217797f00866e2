// Where the real datasets are: SPLAT_SHARED_DATA in the environment, else the ../shared/data
// beside the source tree the tests were built from. The environment wins so that a build
// carried to another machine (tools/build-portable.sh) finds the data it was shipped with.
#pragma once

#include <cstdlib>
#include <string>

namespace splat::test {

inline std::string shared_data_dir() {
  const char* dir = std::getenv("SPLAT_SHARED_DATA");
  return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string(SPLAT_SHARED_DATA_DIR);
}

inline std::string shared_data(const std::string& dataset) {
  return shared_data_dir() + "/" + dataset;
}

}  // namespace splat::test
