// UTF-8 validation and decoding (utf8proc).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace data {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Byte offset of the first invalid or truncated sequence in `text`, or npos when all of it is valid.
std::size_t find_invalid_utf8(std::string_view text);

// Throws data::Error "origin:line: invalid UTF-8 (byte 0xNN) at byte offset N" when `text` is not valid UTF-8.
// `base_offset` is the offset of text[0] in the whole file, so the message gives the file offset.
void check_utf8(std::string_view text, const std::string& origin, std::size_t line, std::size_t base_offset = 0);

// Decodes valid UTF-8 into code points (asserts validity: call check_utf8 first on untrusted input).
std::vector<char32_t> decode_utf8(std::string_view text);

// Appends the UTF-8 encoding of one code point.
void append_utf8(char32_t code_point, std::string& out);

// Number of code points in valid UTF-8.
std::size_t count_code_points(std::string_view text);

// `text` without a leading UTF-8 byte-order mark.
std::string_view strip_bom(std::string_view text);

}  // namespace data
