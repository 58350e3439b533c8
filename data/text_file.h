// Whole files and standard input ("-") as bytes or as UTF-8 text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace data {

// Calls f(line, line_number) for every line of `text`: 1-based numbers, the line without its '\n' or "\r\n".
template <typename F>
void for_each_line(std::string_view text, F&& f) {
  std::size_t line_number = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t newline = text.find('\n', pos);
    if (newline == std::string_view::npos) newline = text.size();
    std::string_view line = text.substr(pos, newline - pos);
    pos = newline + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    f(line, ++line_number);
  }
}

// Checks that `path` names a file that exists, is not a directory and may be read: else a data::Error "PATH: cannot open: …" or
// "PATH: is a directory, not a file" (what every reader of a named input says).
void check_input_file(const std::string& path);

// All bytes of `path` ("-" is standard input). A missing file, a directory or a read failure is a data::Error.
std::string read_file(const std::string& path);

// read_file, then to_utf8 in `encoding`; binary data is refused first (refuse_binary).
std::string read_text_file(const std::string& path, const std::string& encoding);

}  // namespace data
