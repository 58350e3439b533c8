// Lookup keys for tokens: NFKC (folds full-width forms, U+3000, circled digits), optionally case-folded and with
// every decimal digit mapped to one class. Keys are only for vocabulary lookup: output text and offsets always
// refer to the original input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace data {

struct NormalizeOptions {
  bool nfkc = true;          // Unicode compatibility composition
  bool case_fold = false;    // "A" and "a" share a key
  bool digit_class = false;  // every decimal digit becomes "0"

  bool operator==(const NormalizeOptions& other) const {
    return nfkc == other.nfkc && case_fold == other.case_fold && digit_class == other.digit_class;
  }
};

// The key of one token (valid UTF-8). A token whose key would be empty keeps its original text.
std::string normalize_key(std::string_view token, const NormalizeOptions& options);

// The keys of a sentence's tokens, in order.
std::vector<std::string> normalize_keys(const std::vector<std::string>& tokens, const NormalizeOptions& options);

}  // namespace data
