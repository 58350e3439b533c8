#include "ner/serving/tag_service.h"

#include "data/utf8.h"

namespace ner {
namespace {

bool same_options(const TagOptions& a, const TagOptions& b) {
  return a.decode.confidence == b.decode.confidence && a.decode.nbest == b.decode.nbest &&
         a.min_confidence == b.min_confidence;
}

}  // namespace

TagService::TagService(const std::vector<Model*>& models, const BatchingOptions& options,
                       std::shared_ptr<const data::EntityDictionary> dictionary, bool prefer_dictionary)
    : options_(options),
      dictionary_(std::move(dictionary)),
      prefer_dictionary_(prefer_dictionary) {
  TagOptions every_request;
  every_request.dictionary = dictionary_;
  small_.tagger = std::make_unique<Tagger>(models, options.batch, every_request);
  std::vector<Model*> large_models;
  for (std::size_t m = 0; m < models.size(); ++m) large_models.push_back(large_replicas_.emplace_back(models.front()->replica()).get());
  large_.tagger = std::make_unique<Tagger>(large_models, options.batch, every_request);
  large_.worker = std::thread([this] { run(large_); });
  try {
    small_.worker = std::thread([this] { run(small_); });
  } catch (...) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    waiting_.notify_all();
    large_.worker.join();
    throw;
  }
}

TagService::~TagService() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  waiting_.notify_all();
  large_.worker.join();
  small_.worker.join();
}

std::vector<TaggedLine> TagService::tag(std::vector<std::string> texts, const TagOptions& options) {
  auto pending = std::make_unique<Pending>();
  pending->characters = 0;
  for (const std::string& text : texts) pending->characters += data::count_code_points(text);
  if (pending->characters > options_.queue_characters)
    throw RequestTooLarge("the texts have " + std::to_string(pending->characters) + " characters, more than the queue holds (" +
                          std::to_string(options_.queue_characters) + ")");
  pending->texts = std::move(texts);
  pending->options = options;
  pending->options.dictionary = dictionary_;
  pending->options.decode.prefer_dictionary = prefer_dictionary_;
  pending->arrived = std::chrono::steady_clock::now();
  std::future<std::vector<TaggedLine>> done = pending->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queued_characters_ + pending->characters > options_.queue_characters)
      throw QueueFull("the queue is full (" + std::to_string(queued_characters_) + " characters waiting)");
    queued_characters_ += pending->characters;
    Lane& lane = pending->characters > options_.batch_characters ? large_ : small_;
    lane.characters += pending->characters;
    lane.queue.push_back(std::move(pending));
  }
  waiting_.notify_all();
  return done.get();
}

ServiceCounts TagService::counts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  ServiceCounts counts = counts_;
  counts.queued_characters = queued_characters_;
  return counts;
}

void TagService::run(Lane& lane) {
  for (;;) {
    std::vector<std::unique_ptr<Pending>> batch;
    std::size_t batch_characters = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      waiting_.wait(lock, [&] { return stopping_ || !lane.queue.empty(); });
      if (lane.queue.empty()) return;  // stopping, and nothing is left
      // Others may join the first: until the batch's characters are there or its wait is over.
      waiting_.wait_until(lock, lane.queue.front()->arrived + options_.wait,
                          [&] { return stopping_ || lane.characters >= options_.batch_characters; });
      // The first waiting request, and those after it with the same options while the batch has room.
      for (auto it = lane.queue.begin(); it != lane.queue.end();) {
        const bool fits = batch.empty() || (same_options((*it)->options, batch.front()->options) &&
                                            batch_characters + (*it)->characters <= options_.batch_characters);
        if (!fits) {
          ++it;
          continue;
        }
        batch_characters += (*it)->characters;
        batch.push_back(std::move(*it));
        it = lane.queue.erase(it);
      }
      lane.characters -= batch_characters;
    }
    // One tagging call for the batch's texts, in order; each request gets its own back.
    std::vector<std::string> lines;
    for (const auto& pending : batch) lines.insert(lines.end(), pending->texts.begin(), pending->texts.end());
    std::vector<TaggedLine> tagged;
    std::exception_ptr error;
    try {
      lane.tagger->set_options(batch.front()->options);
      tagged = lane.tagger->tag(lines);
    } catch (...) {
      error = std::current_exception();
    }
    {
      // Counted before the answers are handed over, so that a client that has its answer sees it counted.
      std::lock_guard<std::mutex> lock(mutex_);
      queued_characters_ -= batch_characters;
      if (!error) {
        counts_.batches += 1;
        counts_.texts += lines.size();
        counts_.characters += batch_characters;
      }
    }
    std::size_t next = 0;
    for (const auto& pending : batch) {
      if (error) {
        pending->done.set_exception(error);
        continue;
      }
      std::vector<TaggedLine> own(std::make_move_iterator(tagged.begin() + static_cast<std::ptrdiff_t>(next)),
                                  std::make_move_iterator(tagged.begin() + static_cast<std::ptrdiff_t>(next + pending->texts.size())));
      next += pending->texts.size();
      pending->done.set_value(std::move(own));
    }
  }
}

}  // namespace ner
