// Bytes in a named encoding (UTF-8, GB18030, GBK, Big5, UTF-16, ...) to validated UTF-8 text (ICU converters).
#pragma once

#include <string>
#include <string_view>

namespace data {

inline constexpr const char* kDefaultEncoding = "utf-8";

// True for the names that mean UTF-8 ("utf-8", "UTF8", ...).
bool is_utf8_name(const std::string& encoding);

// Converts `bytes` to UTF-8 without a byte-order mark. Invalid input is a data::Error naming `origin`, the line and
// the byte offset in `bytes`; an unknown encoding name is an error too.
std::string to_utf8(std::string_view bytes, const std::string& encoding, const std::string& origin);

}  // namespace data
