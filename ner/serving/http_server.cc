#include "ner/serving/http_server.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "data/error.h"
#include "ner/serving/serve_page.h"
#include "ner/serving/tag_request.h"

// After Eigen (through the headers above): <resolv.h>, which httplib.h includes, defines _res, a name Eigen uses.
#include <httplib.h>

namespace ner {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

// cpp-httplib's task queue with a bound: `threads` threads serve connections, at most `threads` more wait; accepting
// blocks while the queue is full.
class BoundedThreadPool : public httplib::TaskQueue {
 public:
  explicit BoundedThreadPool(std::size_t threads) : limit_(threads) {
    for (std::size_t t = 0; t < threads; ++t) threads_.emplace_back([this] { work(); });
  }

  void enqueue(std::function<void()> task) override {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [&] { return tasks_.size() < limit_; });
    tasks_.push_back(std::move(task));
    ready_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }

 private:
  // One thread: tasks until stopped with none left.
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
        room_.notify_one();
      }
      task();
    }
  }

  const std::size_t limit_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

void send_error(httplib::Response& response, int status, const std::string& message) {
  response.status = status;
  response.set_content(json_error(message), kJson);
}

}  // namespace

HttpServer::HttpServer(TagService& service, nlohmann::json info, const ServeOptions& options)
    : service_(service), options_(options), info_(info.dump() + "\n"), server_(std::make_unique<httplib::Server>()) {
  httplib::Server& server = *server_;
  const time_t seconds = static_cast<time_t>(options.timeout_seconds);
  const time_t microseconds = static_cast<time_t>((options.timeout_seconds - static_cast<double>(seconds)) * 1e6);
  server.set_read_timeout(seconds, microseconds);
  server.set_write_timeout(seconds, microseconds);
  server.set_keep_alive_timeout(std::min<time_t>(seconds > 0 ? seconds : 1, 5));
  server.set_keep_alive_max_count(1000);
  server.set_payload_max_length(options.max_body);
  server.set_tcp_nodelay(true);
  // SO_REUSEADDR alone: the library's default adds SO_REUSEPORT, with which a second server on a port in use would
  // share it silently instead of failing.
  server.set_socket_options([](socket_t socket) {
    const int on = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  });
  const std::size_t threads = static_cast<std::size_t>(options.connections);
  server.new_task_queue = [threads] { return new BoundedThreadPool(threads); };

  server.Post("/v1/tag", [this](const httplib::Request& request, httplib::Response& response) {
    const auto started = std::chrono::steady_clock::now();
    try {
      TagRequest tag_request = parse_tag_request(request.body);
      const std::vector<TaggedLine> tagged = service_.tag(std::move(tag_request.texts), tag_request.options);
      response.set_content(format_tag_response(tag_request, tagged), kJson);
    } catch (const RequestError& e) {
      send_error(response, e.status, e.message);
    } catch (const RequestTooLarge& e) {
      send_error(response, 413, e.what());
    } catch (const QueueFull& e) {
      response.set_header("Retry-After", "1");
      send_error(response, 503, std::string(e.what()) + ": try again shortly");
    } catch (const std::exception& e) {
      send_error(response, 500, e.what());
    }
    metrics_.observe_tag_latency(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  });
  const auto post_only = [](const httplib::Request&, httplib::Response& response) {
    response.set_header("Allow", "POST");
    send_error(response, 405, "POST /v1/tag with a JSON body: {\"text\": \"...\"}");
  };
  server.Get("/v1/tag", post_only);
  server.Put("/v1/tag", post_only);
  server.Patch("/v1/tag", post_only);
  server.Delete("/v1/tag", post_only);
  server.Options("/v1/tag", post_only);
  // Before a body is read: one without a length (chunked) would pass the body limit, so it is refused.
  server.set_pre_routing_handler([](const httplib::Request& request, httplib::Response& response) {
    if (!request.has_header("Transfer-Encoding")) return httplib::Server::HandlerResponse::Unhandled;
    send_error(response, 411, "send the body with a Content-Length (not chunked)");
    return httplib::Server::HandlerResponse::Handled;
  });
  server.Get("/health", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("{\"status\":\"ok\"}\n", kJson);
  });
  server.Get("/info", [this](const httplib::Request&, httplib::Response& response) { response.set_content(info_, kJson); });
  server.Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics_.prometheus_text(service_.counts()), "text/plain; version=0.0.4; charset=utf-8");
  });
  server.Get("/", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(kServePage, "text/html; charset=utf-8");
  });
  // The library's own errors (unknown path 404, body over the limit 413, a bad request line 400) in JSON too.
  server.set_error_handler([max_body = options.max_body](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) return;
    // The library caps form bodies (curl -d without a JSON Content-Type) at 8192 bytes whatever --max-body says.
    const bool form = request.get_header_value("Content-Type").find("x-www-form-urlencoded") != std::string::npos;
    const std::string reason =
        response.status == 413 && form ? "a body sent as application/x-www-form-urlencoded is limited to 8192 bytes: send "
                                         "Content-Type: application/json (curl -H 'Content-Type: application/json')"
        : response.status == 413 ? "the body is over the limit of " + std::to_string(max_body) + " bytes (--max-body)"
                               : response.status == 404 ? "no such path: " + request.path + " (POST /v1/tag, GET /, /health, /info, /metrics)"
                                                        : "HTTP error " + std::to_string(response.status);
    send_error(response, response.status, reason);
  });
  server.set_logger([this](const httplib::Request&, const httplib::Response& response) { metrics_.count_response(response.status); });
}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
  const int port = options_.port == 0 ? server_->bind_to_any_port(options_.host.c_str())
                                      : (server_->bind_to_port(options_.host.c_str(), options_.port) ? options_.port : -1);
  if (port < 0)
    throw data::Error("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                      " (in use, or not an address of this machine)");
  return port;
}

void HttpServer::run() {
  if (!stop_asked_) server_->listen_after_bind();
  run_over_ = true;
}

void HttpServer::stop() {
  stop_asked_ = true;
  // The library's stop() does nothing before its listening loop runs: wait for that (or for run() to have returned).
  while (!server_->is_running() && !run_over_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  server_->stop();
}

}  // namespace ner
