#include "data/line_reader.h"

#include <cerrno>
#include <cstring>
#include <iostream>
#include <iterator>

#include "data/encoding.h"
#include "data/error.h"
#include "data/text_file.h"
#include "data/utf8.h"

namespace data {

LineReader::LineReader(const std::string& path, const std::string& encoding)
    : origin_(path == "-" ? "<stdin>" : path), encoding_{encoding} {
  if (path == "-") {
    in_ = &std::cin;
  } else {
    check_input_file(path);
    file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*file_) throw Error(path + ": cannot open: " + std::strerror(errno));
    in_ = file_.get();
  }
  if (encoding == kAutoEncoding) {
    sample_.resize(kDetectionSample);
    in_->read(sample_.data(), static_cast<std::streamsize>(sample_.size()));
    if (in_->bad()) throw Error(origin_ + ": read failed");
    sample_.resize(static_cast<std::size_t>(in_->gcount()));
    encoding_ = detect_encoding(sample_, in_->eof(), origin_);
    warn_if_uncertain(origin_, encoding_);
  }
  if (!is_utf8_name(encoding_.name)) {
    // Other encodings: the whole input, converted at once.
    const std::string bytes = sample_ + std::string(std::istreambuf_iterator<char>(*in_), std::istreambuf_iterator<char>());
    if (in_->bad()) throw Error(origin_ + ": read failed");
    converted_ = to_utf8(bytes, encoding_, origin_);
    whole_ = true;
  }
}

bool LineReader::next(std::string& line) {
  if (whole_) {
    if (converted_pos_ >= converted_.size()) return false;
    std::size_t newline = converted_.find('\n', converted_pos_);
    if (newline == std::string::npos) newline = converted_.size();
    line.assign(converted_, converted_pos_, newline - converted_pos_);
    converted_pos_ = newline + 1;
  } else if (sample_pos_ < sample_.size()) {
    // A line from the detection sample, completed from the stream if it runs past the sample's end.
    std::size_t newline = sample_.find('\n', sample_pos_);
    line.assign(sample_, sample_pos_, newline == std::string::npos ? std::string::npos : newline - sample_pos_);
    sample_pos_ = newline == std::string::npos ? sample_.size() : newline + 1;
    std::string rest;
    if (newline == std::string::npos && std::getline(*in_, rest)) line += rest;
    if (in_->bad()) throw Error(origin_ + ": read failed");
  } else if (!std::getline(*in_, line)) {
    if (in_->bad()) throw Error(origin_ + ": read failed");
    return false;
  }
  ++line_number_;
  const std::size_t line_offset = offset_;
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
