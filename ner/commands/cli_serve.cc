// `ner serve [--model FILE] [--host H] [--port P] [--threads T] ...`: the model over HTTP (ner/serving/http_server.h).
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>

#include <pthread.h>
#include <time.h>

#include "ner/commands/cli_common.h"
#include "ner/serving/http_server.h"
#include "ner/model/model_info.h"
#include "ner/model/model_io.h"
#include "ner/serving/tag_service.h"
#include "ner/tagging/tagger.h"

namespace ner {
namespace {

struct Options {
  std::string model_path = default_model_path();
  int threads = default_threads();
  std::string precision = kDefaultPrecision;
  double batch_wait_ms = std::chrono::duration<double, std::milli>(BatchingOptions{}.wait).count();
  BatchingOptions batching;
  ServeOptions serve;
  std::string dictionary_path, dictionary_mode;
};

void serve(const Options& o) {
  // SIGTERM, SIGINT and SIGHUP go to the watcher below (blocked here, before any thread starts, so in every thread); a
  // client gone mid-answer is an error on that connection, not a signal.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  LoadedModel loaded = load_model(o.model_path);
  const nn::Bf16Kernel kernel = apply_precision(*loaded.model, o.precision);
  nlohmann::json info = model_info(o.model_path, loaded);
  info["arithmetic"] = arithmetic_name(kernel);
  info["threads"] = o.threads;
  ModelReplicas replicas(*loaded.model, o.threads);
  BatchingOptions batching = o.batching;
  batching.wait = std::chrono::microseconds(static_cast<long long>(o.batch_wait_ms * 1000));
  std::shared_ptr<const data::EntityDictionary> dictionary;
  if (!o.dictionary_path.empty())
    dictionary = std::make_shared<const data::EntityDictionary>(data::EntityDictionary::read(o.dictionary_path));
  TagService service(replicas.models(), batching, dictionary, o.dictionary_mode == "prefer");
  HttpServer server(service, info, o.serve);
  const int port = server.bind();
  const std::string host = o.serve.host.find(':') == std::string::npos ? o.serve.host : "[" + o.serve.host + "]";  // IPv6
  std::fprintf(stderr, "ner serve: http://%s:%d/ (%s, %s, %d tagging threads); SIGTERM or Ctrl-C stops\n",
               host.c_str(), port, o.model_path.c_str(), arithmetic_name(kernel).c_str(), o.threads);

  // The watcher: on a stop signal, no new connections; run() returns once the requests in progress are answered. A
  // second signal ends the process at once.
  std::atomic<bool> finished{false};
  std::thread watcher([&] {
    const timespec poll{0, 200 * 1000 * 1000};
    bool stopping = false;
    while (!finished) {
      const int signal = sigtimedwait(&stop_signals, nullptr, &poll);
      if (signal <= 0) continue;
      if (stopping) {
        std::fprintf(stderr, "ner serve: SIG%s again: quitting at once\n", sigabbrev_np(signal));
        std::_Exit(128 + signal);
      }
      std::fprintf(stderr, "ner serve: SIG%s: answering the requests in progress, then stopping (again to quit at once)\n",
                   sigabbrev_np(signal));
      stopping = true;
      server.stop();
    }
  });
  server.run();
  finished = true;
  watcher.join();
  std::fprintf(stderr, "ner serve: stopped\n");
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "serve",
      "Serve the model over HTTP. POST /v1/tag with {\"text\": \"...\"} (or {\"texts\": [...]}, and optionally "
      "\"confidence\": true, \"nbest\": K, \"min_confidence\": X) answers ner tag's JSON line for the text (an array "
      "of them for texts); GET / is a page to try it in a browser; GET /health, /info (the model), /metrics "
      "(Prometheus). Requests arriving together are tagged in one batch. Errors: 400 not JSON, 411 chunked body, 413 "
      "body too large, 422 not a request, 503 queue full (retry). SIGTERM, SIGINT or SIGHUP answers the requests in "
      "progress, then exits 0; a second one quits at once.");
  command->add_option("--model", o->model_path, "model file")->capture_default_str();
  add_dictionary_options(*command, o->dictionary_path, o->dictionary_mode);
  command->add_option("--host", o->serve.host, "address to listen on (0.0.0.0: every interface)")->capture_default_str();
  command->add_option("--port", o->serve.port, "port (0: any free one, printed on stderr)")->capture_default_str()->check(in_range(0, 65535));
  command->add_option("--threads", o->threads, "threads tagging each batch")->capture_default_str()->check(in_range(1, 256));
  add_precision_option(*command, o->precision);
  command->add_option("--connections", o->serve.connections,
                      "connections served at once (as many more wait to be accepted)")
      ->capture_default_str()->check(in_range(1, 4096));
  command->add_option("--max-body", o->serve.max_body, "largest request body in bytes (413 above)")
      ->capture_default_str()->check(in_range<std::size_t>(16, std::size_t{1} << 30));
  command->add_option("--timeout", o->serve.timeout_seconds, "seconds a client may stay silent mid-request before it is disconnected")
      ->capture_default_str()->check(in_range(0.01, 3600.0));
  command->add_option("--batch", o->batching.batch, "sentences per model batch")->capture_default_str()->check(in_range<std::size_t>(1, 4096));
  command->add_option("--batch-wait", o->batch_wait_ms,
                      "milliseconds the first waiting request waits for others to share its batch (requests that "
                      "arrive while a batch is tagged share the next one anyway; a full batch starts at once)")
      ->capture_default_str()->check(in_range(0.0, 10000.0));
  command->add_option("--batch-characters", o->batching.batch_characters,
                      "characters that make a batch full; a request of more is tagged in a lane of its own, beside the "
                      "small ones")
      ->capture_default_str()->check(in_range<std::size_t>(1, kMaxCount));
  command->add_option("--queue", o->batching.queue_characters,
                      "most characters waiting or being tagged; a request that would pass it gets 503")
      ->capture_default_str()->check(in_range<std::size_t>(1, kMaxCount));
  command->callback([o] { serve(*o); });
}

}  // namespace ner
