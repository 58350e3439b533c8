#include "data/line_reader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "data/encoding.h"
#include "data/error.h"
#include "data/text_file.h"
#include "data/utf8.h"

namespace data {

LineReader::LineReader(const std::string& path, const std::string& encoding) : origin_(path == "-" ? "<stdin>" : path) {
  if (!is_utf8_name(encoding)) {
    converted_ = read_text_file(path, encoding);
    whole_ = true;
    return;
  }
  if (path == "-") {
    in_ = &std::cin;
    return;
  }
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  if (S_ISDIR(info.st_mode)) throw Error(path + ": is a directory, not a file");
  file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file_) throw Error(path + ": cannot open: " + std::strerror(errno));
  in_ = file_.get();
}

bool LineReader::next(std::string& line) {
  if (whole_) {
    if (converted_pos_ >= converted_.size()) return false;
    std::size_t newline = converted_.find('\n', converted_pos_);
    if (newline == std::string::npos) newline = converted_.size();
    line.assign(converted_, converted_pos_, newline - converted_pos_);
    converted_pos_ = newline + 1;
  } else {
    if (!std::getline(*in_, line)) {
      if (in_->bad()) throw Error(origin_ + ": read failed");
      return false;
    }
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
