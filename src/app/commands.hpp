// The registry of subcommands. Each command adds its options to its own CLI11 subcommand and
// runs when selected.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace splat::app {

void register_commands(CLI::App& app);
// Runs the selected subcommand and returns the process exit code.
int run_selected_command(CLI::App& app);

// Used by each command_*.cpp to add itself.
void add_command(CLI::App& app, const char* name, const char* description,
                 const std::function<std::function<int()>(CLI::App&)>& setup);

void register_device_command(CLI::App& app);
void register_info_command(CLI::App& app);
void register_train_command(CLI::App& app);
void register_plan_command(CLI::App& app);
void register_config_command(CLI::App& app);
void register_generate_command(CLI::App& app);
void register_render_command(CLI::App& app);
void register_eval_command(CLI::App& app);
#if SPLAT_WITH_VIEWER
void register_view_command(CLI::App& app);
#endif

}  // namespace splat::app
