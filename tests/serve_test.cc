// ner serve: the HTTP service in process (answers byte for byte those of the tagging library, every error code,
// batching of concurrent requests, the queue's bound, metrics, slow clients) and the binary (SIGTERM drains).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "data/utf8.h"
#include "ner/serving/http_server.h"
#include "ner/model/model_info.h"
#include "ner/model/model_io.h"
#include "ner/tagging/output_writers.h"
#include "ner/serving/tag_service.h"
#include "ner/tagging/tagger.h"
#include "tests/test_support.h"

// After Eigen (through the headers above): <resolv.h>, which httplib.h includes, defines _res, a name Eigen uses.
#include <httplib.h>

namespace {

const std::string kShippedModel = std::string(NER_SOURCE_DIR) + "/models/msra.model";
const std::string kSampleText = std::string(NER_SOURCE_DIR) + "/examples/sample.txt";

// The shipped model in float (the arithmetic does not matter here; float runs on every CPU), loaded once.
ner::Model& shipped_model() {
  static ner::LoadedModel loaded = [] {
    ner::LoadedModel model = ner::load_model(kShippedModel);
    ner::apply_precision(*model.model, "float");
    return model;
  }();
  return *loaded.model;
}

// A server on a free port of 127.0.0.1, serving until the fixture ends.
class Serve : public ::testing::Test {
 protected:
  void start(const ner::BatchingOptions& batching = {}, ner::ServeOptions options = {},
             std::shared_ptr<const data::EntityDictionary> dictionary = nullptr) {
    replicas_ = std::make_unique<ner::ModelReplicas>(shipped_model(), 2);
    service_ = std::make_unique<ner::TagService>(replicas_->models(), batching, std::move(dictionary));
    options.port = 0;
    server_ = std::make_unique<ner::HttpServer>(*service_, nlohmann::json{{"model", "test"}}, options);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    if (!server_) return;
    server_->stop();
    thread_.join();
  }
  httplib::Result post(const std::string& body) {
    httplib::Client client("127.0.0.1", port_);
    return client.Post("/v1/tag", body, "application/json");
  }
  httplib::Result get(const std::string& path) { return httplib::Client("127.0.0.1", port_).Get(path.c_str()); }

  // What the tagging library writes for `texts` with `options`: ner tag's JSON lines.
  static std::vector<std::string> expected_lines(const std::vector<std::string>& texts, const ner::TagOptions& options = {}) {
    ner::ModelReplicas replicas(shipped_model(), 1);
    ner::Tagger tagger(replicas.models(), ner::kTagBatch, options);
    std::vector<std::string> lines;
    for (const ner::TaggedLine& line : tagger.tag(texts))
      lines.push_back(ner::format_line(line, ner::OutputFormat::kJsonl, options.decode.confidence));
    return lines;
  }

  std::unique_ptr<ner::ModelReplicas> replicas_;
  std::unique_ptr<ner::TagService> service_;
  std::unique_ptr<ner::HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
};

const std::vector<std::string> kTexts = {"李克强在北京会见了联合国秘书长。", "张伟在北京大学读书。", "", "上海 浦东"};

TEST_F(Serve, AnswersAreTheTaggingLibrarysLines) {
  start();
  for (const std::string& text : kTexts) {
    auto response = post(nlohmann::json{{"text", text}}.dump());
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, expected_lines({text})[0]);
    EXPECT_NE(response->get_header_value("Content-Type").find("application/json"), std::string::npos);
  }
  // Several texts: an array of the same lines, in order; with confidences and n-best.
  ner::TagOptions options;
  options.decode.confidence = true;
  options.decode.nbest = 3;
  auto response = post(nlohmann::json{{"texts", kTexts}, {"confidence", true}, {"nbest", 3}}.dump());
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  std::string expected = "[";
  for (std::string line : expected_lines(kTexts, options)) expected += (expected.size() > 1 ? "," : "") + line.substr(0, line.size() - 1);
  EXPECT_EQ(response->body, expected + "]\n");
  // min_confidence drops entities as ner tag --min-confidence does.
  options = {};
  options.decode.confidence = true;
  options.min_confidence = 0.9999;
  response = post(nlohmann::json{{"text", kTexts[0]}, {"min_confidence", 0.9999}}.dump());
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, expected_lines({kTexts[0]}, options)[0]);
}

// A dictionary given to the service applies to every request, whatever its options; one with a type the model
// lacks is refused at start.
TEST_F(Serve, TheDictionaryAppliesToEveryRequest) {
  const std::string path = test_support::temp_path("dictionary.tsv");
  test_support::write_file(path, "字节跳动\tORG\n");
  start({}, {}, std::make_shared<const data::EntityDictionary>(data::EntityDictionary::read(path)));
  for (const std::string& body : {std::string(R"({"text":"字节跳动发布了新产品。"})"),
                                  std::string(R"({"text":"字节跳动发布了新产品。","confidence":true})")}) {
    auto response = post(body);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_NE(response->body.find(R"({"start":0,"end":4,"type":"ORG","text":"字节跳动")"), std::string::npos) << response->body;
  }
  test_support::write_file(path, "字节跳动\tCOMPANY\n");
  ner::ModelReplicas replicas(shipped_model(), 1);
  EXPECT_THROW(ner::TagService(replicas.models(), {}, std::make_shared<const data::EntityDictionary>(
                                                          data::EntityDictionary::read(path))),
               data::Error);
}

// A request of more than --batch-characters (here 1,000; a 10,000-character one) has a lane of its own: small
// requests sent while it is tagged are answered before it is tagged (in one lane they waited for it): when each small
// one is answered, only the small ones are counted.
TEST_F(Serve, ALargeRequestDoesNotHoldSmallOnesBehindIt) {
  ner::BatchingOptions batching;
  batching.batch_characters = 1000;
  start(batching);
  std::string large;
  while (data::count_code_points(large) < 10000) large += "我们在北京大学见到了张伟和李娜。";
  int large_status = 0;
  std::thread large_client([&] {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(300, 0);  // the default 5 s is too short under sanitizers
    auto response = client.Post("/v1/tag", nlohmann::json{{"text", large}}.dump(), "application/json");
    large_status = response ? response->status : -1;
  });
  // Once the large request is in the queue, five small ones, one after another.
  while (service_->counts().queued_characters < 10000) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  for (std::size_t i = 0; i < 5; ++i) {
    auto response = post(R"({"text":"张伟在北京。"})");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(service_->counts().texts, i + 1) << "the large request was tagged before small request " << i << " was answered";
  }
  large_client.join();
  EXPECT_EQ(large_status, 200);
  EXPECT_EQ(service_->counts().texts, 6u);
}

// The binary's `ner tag` lines of the sample, and the server's answers to its lines, byte for byte.
TEST_F(Serve, SameBytesAsNerTag) {
  start();
  const auto tagged = test_support::run_ner("tag --precision float --model " + kShippedModel + " " + kSampleText);
  ASSERT_EQ(tagged.status, 0) << tagged.err;
  const std::vector<std::string> cli_lines = test_support::lines_of(tagged.out);
  const std::vector<std::string> texts = test_support::lines_of(test_support::slurp(kSampleText));
  ASSERT_EQ(cli_lines.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto response = post(nlohmann::json{{"text", texts[i]}}.dump());
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, cli_lines[i] + "\n");
  }
}

TEST_F(Serve, EveryErrorIsJsonWithItsStatus) {
  ner::ServeOptions options;
  options.max_body = 1000;
  start({}, options);
  const std::vector<std::pair<std::string, int>> cases = {
      {"{\"text\":", 400},
      {"not json", 400},
      {"{\"text\":\"\xff\"}", 400},                  // not UTF-8
      {"[\"text\"]", 422},                             // not an object
      {"{\"txt\":\"a\"}", 422},                        // unknown field
      {"{\"text\":1}", 422},                           // wrong type
      {"{\"texts\":[\"a\",2]}", 422},
      {"{\"text\":\"a\",\"texts\":[\"b\"]}", 422},     // both
      {"{}", 422},                                     // neither
      {"{\"text\":\"a\",\"nbest\":0}", 422},
      {"{\"text\":\"a\",\"nbest\":1.5}", 422},
      {"{\"text\":\"a\",\"confidence\":1}", 422},
      {"{\"text\":\"a\",\"min_confidence\":2}", 422},
      {"{\"text\":\"a\",\"min_confidence\":1e400}", 400},  // out of a double's range
      {"{\"text\":\"" + std::string(300, 'a') + "\",\"nbest\":100}", 422},  // too many paths for its length
      {"{\"text\":\"" + std::string(2000, 'a') + "\"}", 413},
  };
  for (const auto& [body, status] : cases) {
    auto response = post(body);
    ASSERT_TRUE(response) << body;
    EXPECT_EQ(response->status, status) << body << " → " << response->body;
    const auto error = nlohmann::json::parse(response->body, nullptr, false);
    EXPECT_TRUE(error.is_object() && error.contains("error") && error["error"].is_string()) << response->body;
  }
  auto response = get("/no/such/path");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_NE(response->body.find("\"error\""), std::string::npos);
  response = get("/%ff");  // not UTF-8: still a JSON answer
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 404);
  EXPECT_TRUE(nlohmann::json::parse(response->body, nullptr, false).is_object()) << response->body;
  response = get("/v1/tag");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->get_header_value("Allow"), "POST");
  response = httplib::Client("127.0.0.1", port_).Put("/v1/tag", "{}", "application/json");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  // A chunked body (no length) could pass the body limit: 411, or the connection closed before the client has read the
  // answer (the server answers without reading the body); never tagged.
  const std::size_t texts_before = service_->counts().texts;
  response = httplib::Client("127.0.0.1", port_).Post(
      "/v1/tag",
      [](std::size_t offset, httplib::DataSink& sink) {
        if (offset == 0) sink.write("{\"text\":\"a\"}", 12);
        sink.done();
        return true;
      },
      "application/json");
  if (response) {
    EXPECT_EQ(response->status, 411) << response->body;
  }
  EXPECT_EQ(service_->counts().texts, texts_before);
  // A form body over the library's own 8192-byte cap says how to send JSON.
  response = httplib::Client("127.0.0.1", port_).Post("/v1/tag", "{\"text\":\"" + std::string(9000, 'a') + "\"}",
                                                      "application/x-www-form-urlencoded");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_NE(response->body.find("Content-Type: application/json"), std::string::npos) << response->body;
  // The server still answers.
  response = post("{\"text\":\"北京\"}");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

// A full queue answers 503 with Retry-After, and the request it holds is answered.
TEST_F(Serve, FullQueueAnswers503) {
  ner::BatchingOptions batching;
  batching.queue_characters = 100;
  batching.wait = std::chrono::milliseconds(500);  // the first request waits this long for others
  start(batching);
  const std::string text(60, 'a');
  std::optional<httplib::Result> first;
  std::thread waiting([&] { first.emplace(post(nlohmann::json{{"text", text}}.dump())); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  auto refused = post(nlohmann::json{{"text", text}}.dump());
  waiting.join();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503) << refused->body;
  EXPECT_EQ(refused->get_header_value("Retry-After"), "1");
  EXPECT_NE(refused->body.find("queue is full"), std::string::npos);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->status, 200);
  EXPECT_EQ((*first)->body, expected_lines({text})[0]);
  // Once it is empty again, a request within the bound passes; one over the whole bound can never pass: 413.
  auto later = post(nlohmann::json{{"text", text}}.dump());
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, 200);
  auto too_large = post(nlohmann::json{{"text", std::string(101, 'a')}}.dump());
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->status, 413);
  EXPECT_NE(too_large->body.find("more than the queue holds"), std::string::npos) << too_large->body;
}

// Concurrent requests share batches, and each gets its own texts' answers in order.
TEST_F(Serve, ConcurrentRequestsAreBatchedAndAnsweredInOrder) {
  ner::BatchingOptions batching;
  batching.wait = std::chrono::milliseconds(20);
  start(batching);
  constexpr int kClients = 12, kRequests = 8;
  std::vector<std::string> texts;
  for (int i = 0; i < kClients * kRequests; ++i) texts.push_back(kTexts[i % 2] + std::to_string(i) + "王" + std::to_string(i * 7));
  std::vector<std::string> expected = expected_lines(texts);
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port_);
      for (int r = 0; r < kRequests; r += 2) {
        // Two texts a request: the answer holds them in order.
        const int a = c * kRequests + r, b = a + 1;
        auto response = client.Post("/v1/tag", nlohmann::json{{"texts", {texts[a], texts[b]}}}.dump(), "application/json");
        const std::string line_a = expected[a].substr(0, expected[a].size() - 1), line_b = expected[b].substr(0, expected[b].size() - 1);
        if (!response || response->status != 200 || response->body != "[" + line_a + "," + line_b + "]\n") ++wrong;
      }
    });
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(wrong, 0);
  const ner::ServiceCounts counts = service_->counts();
  EXPECT_EQ(counts.texts, texts.size());
  EXPECT_LT(counts.batches, texts.size() / 2) << "concurrent requests were not batched together";
}

TEST_F(Serve, MetricsCountResponsesLatencyAndCharacters) {
  start();
  ASSERT_TRUE(post("{\"text\":\"北京欢迎你\"}"));
  ASSERT_TRUE(post("{\"texts\":[\"上海\",\"天津市\"]}"));
  ASSERT_TRUE(post("{\"text\":"));
  // A response is counted once it is written, so the client may ask before the last one is: ask again meanwhile
  // (each /metrics answer then counts as one more 200).
  std::string text;
  int attempt = 0;
  for (; attempt < 200; ++attempt) {
    auto metrics = get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_EQ(metrics->status, 200);
    text = metrics->body;
    if (text.find("ner_http_responses_total{code=\"400\"} 1\n") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (const char* line : {"ner_http_responses_total{code=\"400\"} 1\n", "ner_http_errors_total 1\n",
                           "ner_tag_request_seconds_count 3\n", "ner_tag_request_seconds_bucket{le=\"+Inf\"} 3\n",
                           "ner_characters_tagged_total 10\n", "ner_texts_tagged_total 3\n",
                           "# TYPE ner_tag_request_seconds histogram\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << " not in\n" << text;
  const std::string ok = "ner_http_responses_total{code=\"200\"} ";
  ASSERT_NE(text.find(ok), std::string::npos) << text;
  const int answered = std::stoi(text.substr(text.find(ok) + ok.size()));
  EXPECT_GE(answered, 2);
  EXPECT_LE(answered, 2 + attempt);
}

TEST_F(Serve, HealthInfoAndPage) {
  start();
  auto health = get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->body, "{\"status\":\"ok\"}\n");
  auto info = get("/info");
  ASSERT_TRUE(info);
  EXPECT_EQ(nlohmann::json::parse(info->body)["model"], "test");
  auto page = get("/");
  ASSERT_TRUE(page);
  EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find("<textarea"), std::string::npos);
  // Self-contained: nothing loaded from elsewhere.
  for (const char* external : {"src=\"http", "href=\"http", "@import", "url("}) EXPECT_EQ(page->body.find(external), std::string::npos) << external;
}

// A client that sends part of a request and then nothing is disconnected after the timeout.
TEST_F(Serve, SlowClientIsDisconnected) {
  ner::ServeOptions options;
  options.timeout_seconds = 0.5;
  start({}, options);
  const int socket = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(socket, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port_));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(socket, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string partial = "POST /v1/tag HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"te";
  ASSERT_EQ(::send(socket, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
  const auto started = std::chrono::steady_clock::now();
  char buffer[512];
  ssize_t got;
  while ((got = ::recv(socket, buffer, sizeof buffer, 0)) > 0) {}  // an error answer, if any, then the close
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ::close(socket);
  EXPECT_LT(seconds, 5.0);
  // The others are still served.
  auto response = post("{\"text\":\"北京\"}");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

// The binary: SIGTERM while a request is in progress answers it, then exits 0; /info is ner info --json's.
TEST(ServeBinary, SigtermDrainsRequestsInProgress) {
  const std::string err_path = test_support::temp_path("err");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen(err_path.c_str(), "w", stderr);
    ::execl(NER_BINARY, NER_BINARY, "serve", "--model", kShippedModel.c_str(), "--port", "0", "--batch-wait", "1500",
            "--precision", "float", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // The port, from the line it prints once listening.
  int port = 0;
  for (int i = 0; i < 600 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::string err = test_support::slurp(err_path);
    const std::size_t at = err.find("127.0.0.1:");
    if (at != std::string::npos) port = std::atoi(err.c_str() + at + 10);
  }
  ASSERT_GT(port, 0) << test_support::slurp(err_path);
  auto info = httplib::Client("127.0.0.1", port).Get("/info");
  ASSERT_TRUE(info);
  const auto cli_info = test_support::run_ner("info --json --model " + kShippedModel);
  nlohmann::json served = nlohmann::json::parse(info->body);
  EXPECT_EQ(served["arithmetic"], "float");
  served.erase("arithmetic");
  served.erase("threads");
  EXPECT_EQ(served, nlohmann::json::parse(cli_info.out));

  std::optional<httplib::Result> answer;
  std::thread request([&] { answer.emplace(httplib::Client("127.0.0.1", port).Post("/v1/tag", "{\"text\":\"李克强在北京\"}", "application/json")); });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // the request waits out its 1.5 s batch wait
  const auto signalled = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  request.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  ASSERT_TRUE(WIFEXITED(status)) << test_support::slurp(err_path);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ASSERT_TRUE(answer && *answer);
  EXPECT_EQ((*answer)->status, 200);
  EXPECT_NE((*answer)->body.find("\"李克强\""), std::string::npos) << (*answer)->body;
  EXPECT_LT(seconds, 8.0);
  const std::string err = test_support::slurp(err_path);
  EXPECT_NE(err.find("SIGTERM: answering the requests in progress"), std::string::npos) << err;
  EXPECT_NE(err.find("ner serve: stopped"), std::string::npos) << err;
}

// A SIGTERM before the server listens still stops it.
TEST(ServeBinary, SigtermDuringStartUpStops) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::freopen("/dev/null", "w", stderr);
    ::execl(NER_BINARY, NER_BINARY, "serve", "--model", kShippedModel.c_str(), "--port", "0", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  for (int i = 0; i < 200 && ::waitpid(pid, &status, WNOHANG) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (::kill(pid, 0) == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL() << "ner serve did not stop within 10 s of a SIGTERM during start-up";
  }
  // Killed by the signal before the watcher runs, or stopped by it: either way it ended.
  EXPECT_TRUE((WIFEXITED(status) && WEXITSTATUS(status) == 0) || (WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM));
}

TEST(ServeBinary, PortInUseIsOneError) {
  httplib::Server holder;
  const int port = holder.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  const auto result = test_support::run_ner("serve --model " + kShippedModel + " --port " + std::to_string(port));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos) << result.err;
}

}  // namespace
