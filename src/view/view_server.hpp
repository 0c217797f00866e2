// The HTTP side of `splatstream view` (cpp-httplib): the built page from its folder, and the
// catalog's run as JSON (/api/run), the model as a PLY (/model.ply, a subset past max_splats),
// each camera's image (/image/N) and each test view's render (/render/N). Read-only; a request
// never names a file: assets are looked up among the files the page folder held at start, the
// rest by number in the catalog, so `..`, encoded dots, absolute paths and symlinks get 404.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "view/splat_selection.hpp"
#include "view/view_catalog.hpp"

namespace httplib {
class Server;
}

namespace splat {

struct ViewServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  std::string assets_dir;
  std::size_t max_splats = 3'000'000;
};

class ViewServer {
 public:
  ViewServer(ViewCatalog& catalog, const ViewServerOptions& options);
  ~ViewServer();
  // Binds; returns the port (an error names the host and port when it cannot).
  int bind();
  // Serves until stop() (from another thread or a signal).
  void serve();
  void stop();

  // What /api/run returns.
  std::string run_json();

 private:
  struct ModelState {
    std::string path;
    long long step = -1;
    std::string stamp;  // size and modification time: a new file means a new selection
    SplatSelection selection;
    std::string error;
  };
  ModelState current_model();
  void add_routes();

  ViewCatalog& catalog_;
  ViewServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::map<std::string, std::string> assets_;  // URL name -> file
  std::mutex model_mutex_;
  ModelState model_;
};

// Where the built page is: SPLAT_VIEWER_ASSETS, else the build's own viewer/dist.
std::string default_viewer_assets();

}  // namespace splat
