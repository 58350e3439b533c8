// Reads text one line at a time from a file or standard input ("-"), so memory does not grow with the input:
// line breaks (LF or CRLF) are removed, a UTF-8 BOM is skipped, and every line is checked to be valid UTF-8
// (an error names the file, line and byte offset). Other encodings are converted through ICU as a whole. With
// encoding "auto", the first kDetectionSample bytes decide (detect_encoding), and an uncertain guess is warned about
// on stderr.
#pragma once

#include <fstream>
#include <memory>
#include <string>

#include "data/encoding.h"

namespace data {

class LineReader {
 public:
  LineReader(const std::string& path, const std::string& encoding);

  // The next line (without its line break); false at the end of the input.
  bool next(std::string& line);

  const std::string& origin() const { return origin_; }
  // The encoding read: the one given, or with "auto" the one detected.
  const DetectedEncoding& encoding() const { return encoding_; }
  std::size_t line_number() const { return line_number_; }

 private:
  std::string origin_;
  std::unique_ptr<std::ifstream> file_;
  std::istream* in_ = nullptr;
  DetectedEncoding encoding_;
  std::string sample_;     // bytes read for detection, not yet returned as lines
  std::size_t sample_pos_ = 0;
  std::string converted_;  // the whole input in UTF-8, for encodings other than UTF-8
  std::size_t converted_pos_ = 0;
  bool whole_ = false;
  std::size_t line_number_ = 0;
  std::size_t offset_ = 0;  // byte offset of the next line in the input
};

}  // namespace data
