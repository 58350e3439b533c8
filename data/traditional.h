// Traditional Chinese characters to simplified ones, one character to one character (OpenCC's t2s tables), so a
// model trained on simplified text can look up traditional text without moving any offset.
#pragma once

#include <string>
#include <string_view>

namespace data {

// The simplified form of one character (a grapheme): OpenCC's t2s conversion when that is a single character,
// else the character itself. Thread-safe: every thread keeps its own converter and cache. A data::Error when
// OpenCC's t2s configuration cannot be opened.
std::string simplified_character(std::string_view character);

}  // namespace data
