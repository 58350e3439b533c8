#include "data/normalize.h"

#include <utf8proc.h>

#include <cstdlib>

#include "data/utf8.h"

namespace data {

std::string normalize_key(std::string_view token, const NormalizeOptions& options) {
  std::string key;
  if (options.nfkc || options.case_fold) {
    int flags = UTF8PROC_STABLE;
    if (options.nfkc) flags |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    if (options.case_fold) flags |= UTF8PROC_CASEFOLD | (options.nfkc ? 0 : UTF8PROC_COMPOSE);
    utf8proc_uint8_t* mapped = nullptr;
    utf8proc_ssize_t length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(token.data()),
                                           static_cast<utf8proc_ssize_t>(token.size()), &mapped,
                                           static_cast<utf8proc_option_t>(flags));
    if (length >= 0) key.assign(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length));
    else key.assign(token);
    std::free(mapped);
  } else {
    key.assign(token);
  }
  if (options.digit_class) {
    std::string folded;
    for (char32_t code_point : decode_utf8(key)) {
      if (utf8proc_category(static_cast<utf8proc_int32_t>(code_point)) == UTF8PROC_CATEGORY_ND) code_point = U'0';
      append_utf8(code_point, folded);
    }
    key = std::move(folded);
  }
  if (key.empty()) key.assign(token);
  return key;
}

std::vector<std::string> normalize_keys(const std::vector<std::string>& tokens, const NormalizeOptions& options) {
  std::vector<std::string> keys;
  keys.reserve(tokens.size());
  for (const std::string& token : tokens) keys.push_back(normalize_key(token, options));
  return keys;
}

}  // namespace data
