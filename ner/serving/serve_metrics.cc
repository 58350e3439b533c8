#include "ner/serving/serve_metrics.h"

#include <algorithm>
#include <cstdio>

namespace ner {

void ServeMetrics::count_response(int status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++responses_[status];
}

void ServeMetrics::observe_tag_latency(double seconds) {
  const std::size_t bucket = static_cast<std::size_t>(std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin());
  std::lock_guard<std::mutex> lock(mutex_);
  ++latency_buckets_[bucket];
  latency_sum_ += seconds;
}

std::string ServeMetrics::prometheus_text(const ServiceCounts& service) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string text;
  auto line = [&text](const std::string& name, double value) {
    char number[64];
    std::snprintf(number, sizeof number, "%.17g", value);
    text += name + " " + number + "\n";
  };
  text += "# HELP ner_http_responses_total HTTP responses by status code.\n# TYPE ner_http_responses_total counter\n";
  for (const auto& [status, count] : responses_)
    line("ner_http_responses_total{code=\"" + std::to_string(status) + "\"}", static_cast<double>(count));
  std::uint64_t errors = 0;
  for (const auto& [status, count] : responses_) errors += status >= 400 ? count : 0;
  text += "# HELP ner_http_errors_total HTTP responses with a status of 400 or more.\n# TYPE ner_http_errors_total counter\n";
  line("ner_http_errors_total", static_cast<double>(errors));
  text += "# HELP ner_tag_request_seconds Time from a POST /v1/tag's body to its answer.\n"
          "# TYPE ner_tag_request_seconds histogram\n";
  // Cumulative counts: requests at or below each bound.
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < kBounds.size(); ++b) {
    cumulative += latency_buckets_[b];
    char bound[32];
    std::snprintf(bound, sizeof bound, "%g", kBounds[b]);
    line(std::string("ner_tag_request_seconds_bucket{le=\"") + bound + "\"}", static_cast<double>(cumulative));
  }
  cumulative += latency_buckets_.back();
  line("ner_tag_request_seconds_bucket{le=\"+Inf\"}", static_cast<double>(cumulative));
  line("ner_tag_request_seconds_sum", latency_sum_);
  line("ner_tag_request_seconds_count", static_cast<double>(cumulative));
  text += "# HELP ner_characters_tagged_total Characters (code points) of the texts tagged.\n"
          "# TYPE ner_characters_tagged_total counter\n";
  line("ner_characters_tagged_total", static_cast<double>(service.characters));
  text += "# HELP ner_texts_tagged_total Texts tagged.\n# TYPE ner_texts_tagged_total counter\n";
  line("ner_texts_tagged_total", static_cast<double>(service.texts));
  text += "# HELP ner_batches_total Batches the model tagged (requests waiting together share one).\n"
          "# TYPE ner_batches_total counter\n";
  line("ner_batches_total", static_cast<double>(service.batches));
  text += "# HELP ner_queue_characters Characters of the requests waiting or being tagged.\n"
          "# TYPE ner_queue_characters gauge\n";
  line("ner_queue_characters", static_cast<double>(service.queued_characters));
  return text;
}

}  // namespace ner
