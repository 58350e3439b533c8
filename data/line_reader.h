// Reads text one line at a time from a file or standard input ("-"), so memory does not grow with the input:
// line breaks (LF or CRLF) are removed, a UTF-8 BOM is skipped, and every line is checked to be valid UTF-8
// (an error names the file, line and byte offset). Other encodings are converted through ICU as a whole. With
// encoding "auto", the first kDetectionSample bytes decide (detect_encoding), and an uncertain guess is
// warned about on stderr; from an input that is not a regular
// file (a terminal, a pipe) only the bytes already there once the first line is complete, so that a line typed
// or written alone is read at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "data/encoding.h"

namespace data {

class LineReader {
 public:
  LineReader(const std::string& path, const std::string& encoding);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line (without its line break); false at the end of the input.
  bool next(std::string& line);

  // True when next() returns without waiting for more input: a whole line (or the end) is already read, or is
  // waiting in the input (polled, not waited for).
  bool ready();

  const std::string& origin() const { return origin_; }
  // The encoding read: the one given, or with "auto" the one detected.
  const DetectedEncoding& encoding() const { return encoding_; }
  std::size_t line_number() const { return line_number_; }
  // The input's size in bytes when it is a regular file; how far next() has read into it (0 to 1).
  std::optional<std::uint64_t> size() const { return size_; }
  double fraction_read() const;

 private:
  void start();  // the constructor's work once the input is open: the first bytes checked, the encoding found
  bool fill();  // reads what one read(2) gives into buffer_; false at the end of the input
  bool input_waiting() const;  // the input has bytes (or its end) to read now

  std::string origin_;
  int fd_ = 0;
  bool owned_ = false;  // fd_ was opened here
  std::optional<std::uint64_t> size_;
  DetectedEncoding encoding_;
  std::string buffer_;  // bytes read, from buffer_pos_ not yet returned as lines (all of it, converted, if whole_)
  std::size_t buffer_pos_ = 0;
  bool end_ = false;    // read(2) said end of input
  bool whole_ = false;  // buffer_ is the whole input converted to UTF-8
  std::size_t line_number_ = 0;
  std::uint64_t offset_ = 0;  // byte offset of the next line in the input
};

}  // namespace data
