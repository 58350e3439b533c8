// The tagging side of `ner serve`: requests from many connections wait in a queue, and a worker tags the waiting
// ones together (batches fill better than one request alone), answering each its own texts in order. Requests of
// more than BatchingOptions::batch_characters wait in a lane of their own with its own worker and model replicas,
// so that a large request never holds small ones behind it (they share the cores meanwhile).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ner/tagging/tagger.h"

namespace ner {

struct BatchingOptions {
  std::size_t batch = kTagBatch;                  // sentences per model batch (as ner tag --batch)
  std::chrono::microseconds wait{0};  // how long the first waiting request waits for others (requests that arrive while
                                      // a batch is tagged share the next one anyway)
  std::size_t batch_characters = 16384;           // a batch starts at once when this many characters wait
  std::size_t queue_characters = std::size_t{1} << 20;  // the most characters waiting or being tagged
};

// What tag() throws when the queue's characters would exceed BatchingOptions::queue_characters.
class QueueFull : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What tag() throws for texts of more characters than the whole queue holds (they could never be tagged).
class RequestTooLarge : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the service has done so far (for /metrics).
struct ServiceCounts {
  std::size_t batches = 0, texts = 0, characters = 0;
  std::size_t queued_characters = 0;
};

class TagService {
 public:
  // `models`: a model and its replicas (ModelReplicas), one tagging thread each; large requests are tagged by as
  // many replicas of their own. `dictionary` (and `prefer_dictionary`, see TagOptions) applies to every request;
  // one of types the model lacks is a data::Error.
  TagService(const std::vector<Model*>& models, const BatchingOptions& options,
             std::shared_ptr<const data::EntityDictionary> dictionary = nullptr, bool prefer_dictionary = false);
  ~TagService();  // tags what is waiting, then stops
  TagService(const TagService&) = delete;
  TagService& operator=(const TagService&) = delete;

  // Tags `texts` (valid UTF-8) with `options`, together with other waiting requests of the same options and size;
  // blocks until they are done. Throws RequestTooLarge, QueueFull, or what tagging threw.
  std::vector<TaggedLine> tag(std::vector<std::string> texts, const TagOptions& options);

  ServiceCounts counts() const;

 private:
  struct Pending {
    std::vector<std::string> texts;
    TagOptions options;
    std::size_t characters;
    std::chrono::steady_clock::time_point arrived;
    std::promise<std::vector<TaggedLine>> done;
  };
  // A queue of requests and the worker that tags them with its own tagger.
  struct Lane {
    std::deque<std::unique_ptr<Pending>> queue;
    std::size_t characters = 0;  // of the requests waiting in it
    std::unique_ptr<Tagger> tagger;
    std::thread worker;
  };
  void run(Lane& lane);  // a worker: batches of the lane's waiting requests, until stopped with nothing waiting

  BatchingOptions options_;
  std::shared_ptr<const data::EntityDictionary> dictionary_;
  bool prefer_dictionary_;
  std::vector<std::unique_ptr<Model>> large_replicas_;  // the large requests' models
  mutable std::mutex mutex_;
  std::condition_variable waiting_;
  Lane small_, large_;
  std::size_t queued_characters_ = 0;  // of the requests waiting or being tagged, in both lanes
  ServiceCounts counts_;
  bool stopping_ = false;
};

}  // namespace ner
