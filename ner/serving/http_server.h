// `ner serve`: the HTTP side, on cpp-httplib. Routes:
//   POST /v1/tag   ner/serving/tag_request.h's body and answer; 400 not JSON, 413 body over the limit, 422 not a request,
//                  503 the tagging queue is full (Retry-After: 1); errors as {"error": "..."}
//   GET /health    {"status":"ok"}
//   GET /info      the model (ner/model/model_info.h) and the arithmetic in use
//   GET /metrics   Prometheus text (ner/serving/serve_metrics.h)
//   GET /          the page (ner/serving/serve_page.h)
// Connections are served by a fixed number of threads; connections beyond them wait in a queue of the same size, and
// past that are not accepted until one frees (the kernel's backlog holds them). A client that sends or reads nothing
// for the timeout is disconnected.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "ner/serving/serve_metrics.h"
#include "ner/serving/tag_service.h"

namespace httplib {
class Server;
}

namespace ner {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                           // 0: any free port
  int connections = 64;                      // threads serving connections
  std::size_t max_body = std::size_t{1} << 20;  // bytes of a request body (413 above)
  double timeout_seconds = 10;               // a client silent this long is disconnected
};

class HttpServer {
 public:
  // `info`: GET /info's answer.
  HttpServer(TagService& service, nlohmann::json info, const ServeOptions& options);
  ~HttpServer();

  // Listens on the options' address; returns the port (the one chosen for port 0). A data::Error if it cannot.
  int bind();
  // Serves until stop(); then returns once the requests being answered are answered.
  void run();
  // Stops accepting connections (from any thread, a signal watcher's say), also when run() has not started yet.
  void stop();

 private:
  TagService& service_;
  ServeOptions options_;
  std::string info_;
  ServeMetrics metrics_;
  std::unique_ptr<httplib::Server> server_;
  std::atomic<bool> stop_asked_{false}, run_over_{false};
};

}  // namespace ner
