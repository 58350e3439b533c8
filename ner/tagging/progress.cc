#include "ner/tagging/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace ner {

Progress::Progress(bool lines_off_terminal)
    : terminal_(::isatty(STDERR_FILENO) != 0), lines_off_terminal_(lines_off_terminal) {}

void Progress::update(std::size_t done, std::size_t total, const std::string& detail) {
  if (!terminal_ && !lines_off_terminal_) return;
  auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_ < std::chrono::milliseconds(terminal_ ? 200 : 10000)) return;
  last_ = now;
  const double fraction = total ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 1.0;
  if (terminal_) {
    const int width = 30, filled = static_cast<int>(fraction * width);
    const int printed = std::fprintf(stderr, "\r  [%s%s] %3.0f%%  %s", std::string(static_cast<std::size_t>(filled), '=').c_str(),
                                     std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), 100 * fraction,
                                     detail.c_str());
    if (printed > 0) width_ = std::max(width_, static_cast<std::size_t>(printed));
    if (done >= total) std::fprintf(stderr, "\r%*s\r", static_cast<int>(width_), "");
  } else if (done < total) {
    std::fprintf(stderr, "  %3.0f%%  %s\n", 100 * fraction, detail.c_str());
  }
  std::fflush(stderr);
}

}  // namespace ner
