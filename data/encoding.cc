#include "data/encoding.h"

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

#include "data/error.h"
#include "data/utf8.h"

namespace data {
namespace {

std::size_t line_of_offset(std::string_view bytes, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(bytes.begin(), bytes.begin() + offset, '\n'));
}

struct ConverterCloser {
  void operator()(UConverter* converter) const { ucnv_close(converter); }
};

}  // namespace

bool is_utf8_name(const std::string& encoding) {
  std::string name;
  for (char c : encoding)
    if (c != '-' && c != '_') name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name == "utf8";
}

std::string to_utf8(std::string_view bytes, const std::string& encoding, const std::string& origin) {
  if (is_utf8_name(encoding)) {
    std::string_view text = strip_bom(bytes);
    std::size_t skipped = bytes.size() - text.size();
    std::size_t bad = find_invalid_utf8(text);
    if (bad != std::string_view::npos) {
      std::size_t offset = skipped + bad;
      check_utf8(text.substr(bad), origin, line_of_offset(bytes, offset), offset);
    }
    return std::string(text);
  }

  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> converter(ucnv_open(encoding.c_str(), &status));
  if (U_FAILURE(status)) throw Error(origin + ": unknown encoding '" + encoding + "'");
  ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);

  // bytes -> UTF-16, stopping at the first sequence that is invalid in `encoding`.
  std::vector<UChar> utf16(bytes.size() + 2);
  const char* source = bytes.data();
  UChar* target = utf16.data();
  ucnv_toUnicode(converter.get(), &target, utf16.data() + utf16.size(), &source, bytes.data() + bytes.size(), nullptr,
                 /*flush=*/true, &status);
  if (U_FAILURE(status)) {
    char invalid[32];
    int8_t invalid_length = sizeof invalid;
    UErrorCode ignored = U_ZERO_ERROR;
    ucnv_getInvalidChars(converter.get(), invalid, &invalid_length, &ignored);
    std::size_t offset = static_cast<std::size_t>(source - bytes.data()) - static_cast<std::size_t>(std::max<int8_t>(invalid_length, 0));
    throw error_at(origin, line_of_offset(bytes, offset),
                   "invalid " + encoding + " at byte offset " + std::to_string(offset));
  }
  std::size_t length = static_cast<std::size_t>(target - utf16.data());
  std::size_t start = (length > 0 && utf16[0] == 0xFEFF) ? 1 : 0;

  // UTF-16 -> UTF-8 (at most 3 bytes per UTF-16 unit).
  std::string utf8(3 * (length - start), '\0');
  int32_t written = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(utf8.data(), static_cast<int32_t>(utf8.size()), &written, utf16.data() + start,
              static_cast<int32_t>(length - start), &status);
  if (U_FAILURE(status)) throw Error(origin + ": cannot convert from " + encoding + ": " + u_errorName(status));
  utf8.resize(static_cast<std::size_t>(written));
  return utf8;
}

}  // namespace data
