#include "view/view_server.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"
#include "core/log.hpp"

namespace splat {

namespace fs = std::filesystem;

namespace {

std::string content_type(const std::string& name) {
  const std::string ext = fs::path(name).extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".png") return "image/png";
  if (ext == ".json") return "application/json";
  return "application/octet-stream";
}

std::string file_stamp(const std::string& path) {
  std::error_code e;
  const auto size = fs::file_size(path, e);
  const auto time = fs::last_write_time(path, e).time_since_epoch().count();
  return std::to_string(size) + ":" + std::to_string(time);
}

}  // namespace

std::string default_viewer_assets() {
  if (const char* dir = std::getenv("SPLAT_VIEWER_ASSETS"); dir != nullptr && *dir != '\0')
    return dir;
  return SPLAT_VIEWER_DIST;
}

ViewServer::ViewServer(ViewCatalog& catalog, const ViewServerOptions& options)
    : catalog_(catalog), options_(options), server_(std::make_unique<httplib::Server>()) {
  SPLAT_REQUIRE(fs::is_regular_file(fs::path(options.assets_dir) / "index.html"),
                options.assets_dir,
                ": the viewer's page is not built here (run tools/build-viewer.sh, or set "
                "SPLAT_VIEWER_ASSETS to its dist folder)");
  // Regular files only, by name: a symlink planted in the folder is not served.
  for (const auto& entry : fs::directory_iterator(options.assets_dir))
    if (entry.is_regular_file() && !entry.is_symlink())
      assets_[entry.path().filename().string()] = entry.path().string();
  add_routes();
}

ViewServer::~ViewServer() = default;

ViewServer::ModelState ViewServer::current_model() {
  const ViewCatalog::ModelFile file = catalog_.model();
  const std::lock_guard<std::mutex> lock(model_mutex_);
  if (file.path.empty()) return {};
  const std::string stamp = file_stamp(file.path);
  if (file.path == model_.path && stamp == model_.stamp) return model_;
  ModelState m;
  m.path = file.path;
  m.step = file.step;
  m.stamp = stamp;
  try {
    const GaussianPlyFile ply(file.path);
    m.selection = select_splats(ply, options_.max_splats);
  } catch (const Error& e) {
    m.error = e.what();
  }
  model_ = m;
  return m;
}

std::string ViewServer::run_json() {
  nlohmann::json out;
  const ModelState m = current_model();
  nlohmann::json model = {{"available", !m.path.empty() && m.error.empty()}, {"step", m.step}};
  if (!m.error.empty()) model["error"] = m.error;
  if (!m.path.empty() && m.error.empty()) {
    model["url"] = "/model.ply?stamp=" + httplib::detail::encode_query_param(m.stamp);
    model["gaussians"] = m.selection.total;
    model["sent"] = m.selection.sent;
    model["subset"] = m.selection.subset;
  }
  out["model"] = model;
  nlohmann::json cameras = nlohmann::json::array();
  const auto cameras_now = catalog_.cameras();
  const auto& list = *cameras_now;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const PinholeCamera& c = list[i].view.camera;
    nlohmann::json cam = {{"index", i},
                          {"name", list[i].view.name},
                          {"split", list[i].split},
                          {"width", c.width},
                          {"height", c.height},
                          {"fx", c.fx},
                          {"fy", c.fy},
                          {"cx", c.cx},
                          {"cy", c.cy},
                          {"R", std::vector<float>(c.R, c.R + 9)},
                          {"t", std::vector<float>(c.t, c.t + 3)},
                          {"image", "/image/" + std::to_string(i)}};
    if (!list[i].test_render.empty() && fs::is_regular_file(list[i].test_render))
      cam["render"] = "/render/" + std::to_string(i);
    cameras.push_back(cam);
  }
  out["cameras"] = cameras;
  if (const std::string error = catalog_.dataset_error(); !error.empty())
    out["dataset_error"] = error;
  const std::string metrics = catalog_.metrics_text();
  const auto parsed = nlohmann::json::parse(metrics, nullptr, false);
  out["metrics"] = metrics.empty() || parsed.is_discarded() ? nlohmann::json() : parsed;
  out["background"] = catalog_.background();
  out["max_splats"] = options_.max_splats;
  return out.dump();
}

void ViewServer::add_routes() {
  httplib::Server& s = *server_;
  s.Get("/api/run", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(run_json(), "application/json");
    res.set_header("Cache-Control", "no-store");
  });
  s.Get("/model.ply", [this](const httplib::Request&, httplib::Response& res) {
    const ModelState m = current_model();
    if (m.path.empty() || !m.error.empty()) {
      res.status = 404;
      res.set_content(m.error.empty() ? "no model yet" : m.error, "text/plain");
      return;
    }
    res.set_chunked_content_provider(
        "application/octet-stream", [m](std::size_t, httplib::DataSink& sink) {
          try {
            const GaussianPlyFile ply(m.path);
            stream_splats(ply, m.selection, [&](const char* data, std::size_t bytes) {
              return sink.write(data, bytes);
            });
          } catch (const Error& e) {
            log_warn("view: ", e.what());
            return false;  // the client sees a cut-off body, not a wrong model
          }
          sink.done();
          return true;
        });
  });
  s.Get(R"(/image/(\d{1,9}))", [this](const httplib::Request& req, httplib::Response& res) {
    const std::size_t i = std::stoul(req.matches[1].str());
    if (i >= catalog_.cameras()->size()) {
      res.status = 404;
      return;
    }
    try {
      res.set_content(catalog_.camera_image_png(i), "image/png");
    } catch (const Error& e) {
      res.status = 500;
      res.set_content(e.what(), "text/plain");
    }
  });
  s.Get(R"(/render/(\d{1,9}))", [this](const httplib::Request& req, httplib::Response& res) {
    const std::size_t i = std::stoul(req.matches[1].str());
    const auto cameras = catalog_.cameras();
    if (i >= cameras->size() || (*cameras)[i].test_render.empty() ||
        !fs::is_regular_file((*cameras)[i].test_render)) {
      res.status = 404;
      return;
    }
    res.set_content(read_whole_file((*cameras)[i].test_render), "image/png");
  });
  s.Get(R"(/([A-Za-z0-9_.-]*))", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1].str().empty() ? "index.html" : req.matches[1].str();
    const auto found = assets_.find(name);
    if (found == assets_.end()) {
      res.status = 404;
      return;
    }
    res.set_content(read_whole_file(found->second), content_type(name));
  });
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) res.set_content(std::to_string(res.status) + "\n", "text/plain");
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content("internal error\n", "text/plain");
  });
}

int ViewServer::bind() {
  const int port = options_.port == 0
                       ? server_->bind_to_any_port(options_.host)
                       : (server_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  SPLAT_REQUIRE(port > 0, "view: cannot listen on ", options_.host, ":", options_.port,
                " (in use? try --port)");
  return port;
}

void ViewServer::serve() {
  server_->listen_after_bind();
}

void ViewServer::stop() {
  server_->stop();
}

}  // namespace splat
