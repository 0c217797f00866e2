// splatstream command line: each subcommand lives in its own command_*.cpp; this file only
// wires them up and turns errors into one message and a non-zero exit.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

int main(int argc, char** argv) {
  CLI::App app{"splatstream: 3D Gaussian Splatting for scenes larger than GPU memory"};
  app.require_subcommand(1);
  bool quiet = false;
  app.add_flag("-q,--quiet", quiet, "only print warnings and errors");
  splat::app::register_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (quiet) splat::set_log_level(splat::LogLevel::Warn);
  try {
    return splat::app::run_selected_command(app);
  } catch (const splat::Error& e) {
    std::fprintf(stderr, "splatstream: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "splatstream: internal error: %s\n", e.what());
    return 2;
  }
}
