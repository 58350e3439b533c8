// Whole files and standard input ("-") as bytes or as UTF-8 text.
#pragma once

#include <string>

namespace data {

// All bytes of `path` ("-" is standard input). A missing file, a directory or a read failure is a data::Error.
std::string read_file(const std::string& path);

// read_file, then to_utf8 in `encoding`.
std::string read_text_file(const std::string& path, const std::string& encoding);

// Writes `contents` to `path` atomically: a temporary file beside it, flushed, then renamed over it.
// "-" writes to standard output.
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace data
