#include "data/utf8.h"

#include <utf8proc.h>

#include <cassert>
#include <cstdio>

#include "data/error.h"

namespace data {

std::size_t find_invalid_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  std::size_t pos = 0;
  while (pos < text.size()) {
    // ASCII fast path: most Chinese corpora are half punctuation, digits and tags.
    if (bytes[pos] < 0x80) {
      ++pos;
      continue;
    }
    utf8proc_int32_t code_point;
    utf8proc_ssize_t length = utf8proc_iterate(bytes + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &code_point);
    if (length < 0) return pos;
    pos += static_cast<std::size_t>(length);
  }
  return std::string_view::npos;
}

void check_utf8(std::string_view text, const std::string& origin, std::size_t line, std::size_t base_offset) {
  std::size_t bad = find_invalid_utf8(text);
  if (bad == std::string_view::npos) return;
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
  throw error_at(origin, line,
                 "invalid UTF-8 (byte " + std::string(byte) + ") at byte offset " + std::to_string(base_offset + bad));
}

std::vector<char32_t> decode_utf8(std::string_view text) {
  std::vector<char32_t> code_points;
  code_points.reserve(text.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  std::size_t pos = 0;
  while (pos < text.size()) {
    utf8proc_int32_t code_point;
    utf8proc_ssize_t length = utf8proc_iterate(bytes + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &code_point);
    assert(length > 0 && "decode_utf8 needs valid UTF-8");
    code_points.push_back(static_cast<char32_t>(code_point));
    pos += static_cast<std::size_t>(length);
  }
  return code_points;
}

void append_utf8(char32_t code_point, std::string& out) {
  utf8proc_uint8_t buffer[4];
  utf8proc_ssize_t length = utf8proc_encode_char(static_cast<utf8proc_int32_t>(code_point), buffer);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
}

std::size_t count_code_points(std::string_view text) {
  // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
  std::size_t count = 0;
  for (unsigned char byte : text) count += (byte & 0xC0) != 0x80;
  return count;
}

std::string_view strip_bom(std::string_view text) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  return text;
}

}  // namespace data
