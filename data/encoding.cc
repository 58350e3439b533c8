#include "data/encoding.h"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
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

DetectedEncoding detect_encoding(std::string_view sample, bool complete, const std::string& origin) {
  if (sample.substr(0, 3) == kUtf8Bom) return {"UTF-8", 100};
  if (sample.substr(0, 2) == "\xFF\xFE") return {"UTF-16LE", 100};
  if (sample.substr(0, 2) == "\xFE\xFF") return {"UTF-16BE", 100};
  // UTF-8 when its multi-byte sequences outnumber the invalid bytes two to one: then a stray bad byte is reported as
  // invalid UTF-8 at its offset instead of turning the file into another encoding's garbage. GBK, Big5 and UTF-16
  // text is almost all invalid as UTF-8. A sequence cut off by the end of an incomplete sample does not count.
  std::size_t sequences = 0, invalid = 0;
  for (std::size_t pos = 0; pos < sample.size();) {
    const std::size_t bad = find_invalid_utf8(sample.substr(pos));
    const std::size_t end = bad == std::string_view::npos ? sample.size() : pos + bad;
    for (std::size_t k = pos; k < end; ++k) sequences += static_cast<unsigned char>(sample[k]) >= 0xC2;
    if (end == sample.size()) break;
    if (complete || end + 4 <= sample.size()) ++invalid;
    pos = end + 1;
  }
  if (invalid == 0) return {"UTF-8", 100};
  if (sequences >= 2 * invalid) return {"UTF-8", static_cast<int>(100 * sequences / (sequences + invalid))};
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> detector(ucsdet_open(&status), ucsdet_close);
  ucsdet_setText(detector.get(), sample.data(), static_cast<int32_t>(sample.size()), &status);
  int32_t count = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(detector.get(), &count, &status);
  if (U_FAILURE(status)) throw Error(origin + ": cannot detect the encoding (" + u_errorName(status) + "); give --encoding");
  // The more likely of the legacy encodings Chinese text comes in (UTF-16 needs its byte-order mark: without one,
  // ICU finds it in any short run of double-byte text).
  for (int32_t m = 0; m < count; ++m) {
    const std::string name = ucsdet_getName(matches[m], &status);
    const int confidence = ucsdet_getConfidence(matches[m], &status);
    if (name != "GB18030" && name != "Big5") continue;
    if (confidence >= 50) return {name, confidence};
    // ICU is unsure (a short sample): Big5 when a double-byte character has a trail byte in 0x40–0x7E, which half
    // of Big5's common characters have and GB2312's (GBK's common part) never do, and the sample is valid Big5
    // (GBK's traditional characters have such trail bytes too). An incomplete sample is cut at its last line break.
    const std::string_view whole_lines = complete ? sample : sample.substr(0, sample.rfind('\n') + 1);
    for (std::size_t k = 0; k + 1 < whole_lines.size(); ++k) {
      if (static_cast<unsigned char>(whole_lines[k]) < 0x81) continue;
      const unsigned char trail = static_cast<unsigned char>(whole_lines[++k]);
      if (trail < 0x40 || trail > 0x7E) continue;
      try {
        to_utf8(whole_lines, "Big5", origin);
        return {"Big5", confidence};
      } catch (const Error&) {
        break;
      }
    }
    return {"GB18030", confidence};
  }
  throw Error(origin + ": not UTF-8, UTF-16 with a byte-order mark, or recognisably GB18030, GBK or Big5; give --encoding");
}

std::string to_utf8(std::string_view bytes, const std::string& encoding, const std::string& origin) {
  if (encoding == kAutoEncoding)
    return to_utf8(bytes, detect_encoding(bytes.substr(0, kDetectionSample), bytes.size() <= kDetectionSample, origin).name, origin);
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
