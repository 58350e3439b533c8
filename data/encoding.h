// Bytes in a named encoding (UTF-8, GB18030, GBK, Big5, UTF-16, ...) to validated UTF-8 text (ICU converters).
#pragma once

#include <string>
#include <string_view>

namespace data {

inline constexpr const char* kDefaultEncoding = "utf-8";

inline constexpr const char* kAutoEncoding = "auto";
inline constexpr std::size_t kDetectionSample = 1 << 16;  // bytes that detection looks at

// True for the names that mean UTF-8 ("utf-8", "UTF8", ...).
bool is_utf8_name(const std::string& encoding);

struct DetectedEncoding {
  std::string name;    // an ICU converter name: UTF-8, UTF-16LE, UTF-16BE (by byte-order mark), GB18030 or Big5
  int confidence = 0;  // 0–100: 100 for a byte-order mark or valid UTF-8, else ICU's confidence
};

// The encoding of text that begins with `sample` (`complete`: the sample is the whole text): a byte-order mark
// (UTF-8, UTF-16), else UTF-8 if the sample is UTF-8 but for a few bad bytes (at least two valid multi-byte
// sequences per invalid byte; those bytes are then reported where they are), else the better of GB18030 (which
// includes GBK) and Big5 by ICU's charset detector, or when ICU is unsure (a short sample) by their trail bytes and
// whether the sample is valid Big5.
// None of them is a data::Error naming `origin` that asks for --encoding.
DetectedEncoding detect_encoding(std::string_view sample, bool complete, const std::string& origin);

// Converts `bytes` to UTF-8 without a byte-order mark ("auto": the encoding detect_encoding finds). Invalid input
// is a data::Error naming `origin`, the line and the byte offset in `bytes`; an unknown encoding name is an error too.
std::string to_utf8(std::string_view bytes, const std::string& encoding, const std::string& origin);

}  // namespace data
