#include "data/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "data/encoding.h"
#include "data/error.h"
#include "data/text_file.h"
#include "data/utf8.h"

namespace data {
namespace {

constexpr std::size_t kReadSize = 1 << 16;  // bytes asked of one read(2)

}  // namespace

LineReader::LineReader(const std::string& path, const std::string& encoding)
    : origin_(path == "-" ? "<stdin>" : path), encoding_{encoding} {
  if (path != "-") {
    check_input_file(path);
    fd_ = ::open(path.c_str(), O_RDONLY);
    if (fd_ < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
    owned_ = true;
  }
  try {
    start();
  } catch (...) {
    if (owned_) ::close(fd_);  // no destructor runs for a constructor that throws
    throw;
  }
}

void LineReader::start() {
  const std::string encoding = encoding_.name;
  struct stat info;
  if (::fstat(fd_, &info) == 0 && S_ISREG(info.st_mode)) size_ = static_cast<std::uint64_t>(info.st_size);
  // The first bytes, which say whether this is text at all (a model, gzip or any binary file says so): with "auto",
  // the sample, up to kDetectionSample bytes of a file; of anything else, the first line and what is already there.
  const std::size_t head = encoding == kAutoEncoding ? kDetectionSample : kBinaryCheckBytes;
  while (buffer_.size() < head && !end_ &&
         (size_ || (encoding == kAutoEncoding && buffer_.find('\n') == std::string::npos) || input_waiting()))
    fill();
  refuse_binary(buffer_, encoding, origin_, "text", /*nul_in_utf8=*/true);
  if (encoding == kAutoEncoding) {
    encoding_ = detect_encoding(std::string_view(buffer_).substr(0, kDetectionSample), end_, origin_);
    warn_if_uncertain(origin_, encoding_);
  }
  if (!is_utf8_name(encoding_.name)) {
    // Other encodings: the whole input, converted at once.
    while (fill()) {}
    buffer_ = to_utf8(buffer_, encoding_, origin_);
    whole_ = true;
  }
}

LineReader::~LineReader() {
  if (owned_) ::close(fd_);
}

bool LineReader::fill() {
  if (end_) return false;
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kReadSize);
  ssize_t n;
  do n = ::read(fd_, buffer_.data() + old_size, kReadSize);
  while (n < 0 && errno == EINTR);
  if (n < 0) throw Error(origin_ + ": read failed: " + std::strerror(errno));
  buffer_.resize(old_size + static_cast<std::size_t>(n));
  end_ = n == 0;
  return !end_;
}

bool LineReader::input_waiting() const {
  struct pollfd input = {fd_, POLLIN, 0};
  return ::poll(&input, 1, 0) > 0;
}

bool LineReader::ready() {
  // Reads what is waiting until a whole line is in the buffer or nothing more is there.
  for (;;) {
    if (end_ || whole_ || buffer_.find('\n', buffer_pos_) != std::string::npos) return true;
    if (!input_waiting()) return false;
    fill();
  }
}

double LineReader::fraction_read() const {
  const double total = whole_ ? static_cast<double>(buffer_.size()) : size_ ? static_cast<double>(*size_) : 0;
  const double done = whole_ ? static_cast<double>(buffer_pos_) : static_cast<double>(offset_);
  return total > 0 ? std::min(1.0, done / total) : 1.0;
}

bool LineReader::next(std::string& line) {
  std::size_t newline, searched = buffer_pos_;
  // Reads until the buffer holds a whole line or the input ends; the bytes already returned are dropped first.
  while ((newline = buffer_.find('\n', searched)) == std::string::npos) {
    if (!whole_ && buffer_pos_ > 0) {
      buffer_.erase(0, buffer_pos_);
      buffer_pos_ = 0;
    }
    searched = buffer_.size();
    if (whole_ || !fill()) break;
  }
  if (newline == std::string::npos && buffer_pos_ >= buffer_.size()) return false;
  const std::size_t end = newline == std::string::npos ? buffer_.size() : newline;
  line.assign(buffer_, buffer_pos_, end - buffer_pos_);
  buffer_pos_ = newline == std::string::npos ? buffer_.size() : newline + 1;
  ++line_number_;
  const std::uint64_t line_offset = offset_;
  offset_ += line.size() + 1;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (whole_) return true;  // already converted and checked
  std::size_t skipped = 0;
  if (line_number_ == 1 && line.compare(0, kUtf8Bom.size(), kUtf8Bom) == 0) {
    line.erase(0, kUtf8Bom.size());
    skipped = kUtf8Bom.size();
  }
  check_utf8(line, origin_, line_number_, line_offset + skipped);
  return true;
}

}  // namespace data
