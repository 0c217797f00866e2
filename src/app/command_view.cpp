// `splatstream view`: serves a run (or a model and its dataset) to the browser viewer and prints
// the address. Ctrl-C stops it.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>

#include "app/commands.hpp"
#include "core/config_schema.hpp"
#include "core/interrupt.hpp"
#include "train/train_config.hpp"
#include "view/view_server.hpp"

namespace splat::app {

void register_view_command(CLI::App& app) {
  add_command(
      app, "view", "show a trained or training model in the browser: cameras, test views, curves",
      [](CLI::App& sub) {
        struct Options {
          ViewCatalogOptions catalog;
          ViewServerOptions server;
        };
        auto o = std::make_shared<Options>();
        sub.add_option("run", o->catalog.run_dir, "a run folder (splatstream train --out)");
        sub.add_option("--model", o->catalog.model_path, "or a 3DGS PLY");
        sub.add_option("--data", o->catalog.data_dir, "the dataset (default: the run's)");
        sub.add_option("--set", o->catalog.overrides,
                       "override a config key, e.g. viewer.max_splats=1M");
        sub.add_option("--port", o->server.port, "port (0: any free one)")->capture_default_str();
        sub.add_option("--host", o->server.host, "address to listen on")->capture_default_str();
        return [o] {
          TrainConfig config;
          ConfigSchema schema;
          bind_train_config(schema, config);
          for (const std::string& s : o->catalog.overrides) schema.apply_override(s);
          o->server.max_splats = config.viewer_max_splats;
          o->server.assets_dir = default_viewer_assets();
          ViewCatalog catalog(o->catalog);
          ViewServer server(catalog, o->server);
          const int port = server.bind();
          std::printf("viewer at http://%s:%d/  (Ctrl-C stops it)\n", o->server.host.c_str(), port);
          std::fflush(stdout);
          install_interrupt_handlers();
          std::thread watcher([&] {
            while (!interrupt_requested())
              std::this_thread::sleep_for(std::chrono::milliseconds(200));
            server.stop();
          });
          server.serve();
          set_interrupt_requested(true);  // the watcher ends too if serving stopped by itself
          watcher.join();
          return 0;
        };
      });
}

}  // namespace splat::app
