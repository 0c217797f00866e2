#include "app/commands.hpp"

#include <map>
#include <string>

namespace splat::app {

namespace {
std::map<const CLI::App*, std::function<int()>>& runners() {
  static std::map<const CLI::App*, std::function<int()>> table;
  return table;
}
}  // namespace

void add_command(CLI::App& app, const char* name, const char* description,
                 const std::function<std::function<int()>(CLI::App&)>& setup) {
  CLI::App* sub = app.add_subcommand(name, description);
  runners()[sub] = setup(*sub);
}

void register_commands(CLI::App& app) {
  register_device_command(app);
  register_info_command(app);
  register_train_command(app);
  register_plan_command(app);
  register_config_command(app);
  register_generate_command(app);
  register_render_command(app);
  register_eval_command(app);
#if SPLAT_WITH_VIEWER
  register_view_command(app);
#endif
}

int run_selected_command(CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) {
    const auto it = runners().find(sub);
    if (it != runners().end()) return it->second();
  }
  return 1;
}

}  // namespace splat::app
