// Progress of a long job on standard error: a one-line bar updated in place (\r) when stderr is a terminal; when it
// is not, a plain line at most every 10 seconds, or nothing.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace ner {

class Progress {
 public:
  // `lines_off_terminal`: when stderr is not a terminal, print a plain line now and then (else nothing).
  explicit Progress(bool lines_off_terminal);

  // `done` of `total` (any unit), with `detail` after the bar (e.g. "loss/char 0.1234"); the bar is erased when
  // done reaches total.
  void update(std::size_t done, std::size_t total, const std::string& detail = "");

 private:
  bool terminal_, lines_off_terminal_;
  std::chrono::steady_clock::time_point last_{};
  std::size_t width_ = 0;  // characters of the bar last printed, for erasing it
};

}  // namespace ner
