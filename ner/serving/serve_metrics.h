// `ner serve`'s GET /metrics in Prometheus's text format: responses by status, tag requests' latency histogram,
// and the tagging service's batches, texts and characters.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "ner/serving/tag_service.h"

namespace ner {

class ServeMetrics {
 public:
  // Every response, by its HTTP status.
  void count_response(int status);
  // A POST /v1/tag answered after `seconds`.
  void observe_tag_latency(double seconds);

  std::string prometheus_text(const ServiceCounts& service) const;

 private:
  // The latency histogram's upper bounds in seconds (and +Inf after them).
  static constexpr std::array<double, 12> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,   0.25,   0.5,   1,    2.5,   10};
  mutable std::mutex mutex_;
  std::map<int, std::uint64_t> responses_;
  std::array<std::uint64_t, kBounds.size() + 1> latency_buckets_{};  // not cumulative; the last: above every bound
  double latency_sum_ = 0;
};

}  // namespace ner
