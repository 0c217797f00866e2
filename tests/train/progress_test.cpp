#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "train/progress.hpp"

using namespace splat;

namespace {
std::string captured(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, file)) text.append(buffer, n);
  return text;
}
}  // namespace

TEST_CASE("progress: plain lines every log_every steps when not a terminal", "[train]") {
  std::FILE* file = std::tmpfile();
  ProgressReporter progress(1000, 100, /*terminal=*/false, file);
  for (int step = 1; step <= 1000; ++step) {
    ProgressSample s;
    s.step = step;
    s.loss = 0.1f;
    s.psnr = 25;
    s.gaussians = 12345;
    progress.update(s);
  }
  progress.finish();
  const std::string text = captured(file);
  std::fclose(file);
  CHECK(std::count(text.begin(), text.end(), '\n') == 11);  // 10 progress lines + the summary
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find("step 100/1000  loss 0.1000  psnr 25.00  gaussians 12345") != std::string::npos);
  CHECK(text.find("trained 1000 steps") != std::string::npos);
}

TEST_CASE("progress: a terminal gets one line updated in place", "[train]") {
  std::FILE* file = std::tmpfile();
  ProgressReporter progress(3, 1, /*terminal=*/true, file);
  for (int step = 1; step <= 3; ++step) {
    ProgressSample s;
    s.step = step;
    progress.update(s);
  }
  progress.message("eval: psnr 30");
  progress.finish();
  const std::string text = captured(file);
  std::fclose(file);
  CHECK(text.find("\r\033[K") != std::string::npos);
  CHECK(text.find("eval: psnr 30\n") != std::string::npos);
}

TEST_CASE("progress: durations read naturally", "[train]") {
  CHECK(ProgressReporter::format_duration(5) == "5s");
  CHECK(ProgressReporter::format_duration(75) == "1m15s");
  CHECK(ProgressReporter::format_duration(7322) == "2h02m");
}
