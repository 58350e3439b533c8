#include "data/encoding.h"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "data/binary_io.h"
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

std::unique_ptr<UConverter, ConverterCloser> open_converter(const std::string& encoding, const std::string& origin) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> converter(ucnv_open(encoding.c_str(), &status));
  if (U_FAILURE(status)) throw Error(origin + ": unknown encoding '" + encoding + "'");
  return converter;
}

// `bytes` in `encoding` to UTF-16, up to the first sequence that is invalid in it: `invalid_at` is that sequence's
// byte offset, or npos when all of `bytes` is valid.
std::vector<UChar> to_utf16(std::string_view bytes, const std::string& encoding, const std::string& origin,
                            std::size_t& invalid_at) {
  std::unique_ptr<UConverter, ConverterCloser> converter = open_converter(encoding, origin);
  UErrorCode status = U_ZERO_ERROR;
  ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  std::vector<UChar> utf16(bytes.size() + 2);
  const char* source = bytes.data();
  UChar* target = utf16.data();
  ucnv_toUnicode(converter.get(), &target, utf16.data() + utf16.size(), &source, bytes.data() + bytes.size(), nullptr,
                 /*flush=*/true, &status);
  utf16.resize(static_cast<std::size_t>(target - utf16.data()));
  invalid_at = std::string_view::npos;
  if (U_FAILURE(status)) {
    char invalid[32];
    int8_t invalid_length = sizeof invalid;
    UErrorCode ignored = U_ZERO_ERROR;
    ucnv_getInvalidChars(converter.get(), invalid, &invalid_length, &ignored);
    invalid_at = static_cast<std::size_t>(source - bytes.data()) - static_cast<std::size_t>(std::max<int8_t>(invalid_length, 0));
  }
  return utf16;
}

// How many leading bytes of `bytes` are valid in `encoding`.
std::size_t valid_prefix(std::string_view bytes, const std::string& encoding, const std::string& origin) {
  std::size_t invalid_at;
  if (is_utf8_name(encoding)) invalid_at = find_invalid_utf8(bytes);
  else to_utf16(bytes, encoding, origin, invalid_at);
  return invalid_at == std::string_view::npos ? bytes.size() : invalid_at;
}

// Whether `byte` is the high byte of a UTF-16 code unit of Chinese or Latin text: 00 (ASCII, Latin-1), 20 (general
// punctuation: dashes, quotes), 30 (CJK punctuation: 。「」), 4E–9F (CJK unified ideographs), FF (full-width forms:
// ，：！). The low bytes of CJK characters fall anywhere in 00–FF, so about a third of them are such bytes; GBK's
// and Big5's lead bytes (B0–F7, A4–F9 for their common characters) are not.
bool is_chinese_high_byte(unsigned char byte) {
  return byte == 0x00 || byte == 0x20 || byte == 0x30 || (byte >= 0x4E && byte <= 0x9F) || byte == 0xFF;
}

// The two signs of UTF-16 without a byte-order mark in a sample, and which byte of each pair they point at.
struct Utf16Evidence {
  DetectedEncoding encoding;   // UTF-16BE (high bytes first) or UTF-16LE; confidence: % of high bytes that fit
  bool by_nuls = false;        // mostly ASCII or Latin text
  bool by_high_bytes = false;  // Chinese text, with or without ASCII
};

// ICU's own UTF-16 recognisers look at the first 15 code units only and reward U+0020–U+00FF, so Chinese text
// without NULs stays at their starting confidence of 10: hence these byte-pair counts over the whole sample.
Utf16Evidence utf16_evidence(std::string_view sample) {
  const std::size_t units = sample.size() / 2;
  std::size_t nuls[2] = {0, 0}, fits[2] = {0, 0}, below_0x40[2] = {0, 0};  // at even and at odd offsets
  // NULs, fitting high bytes and bytes below 0x40 at each position of the byte pairs.
  for (std::size_t k = 0; k < 2 * units; ++k) {
    const unsigned char byte = static_cast<unsigned char>(sample[k]);
    nuls[k % 2] += byte == 0;
    fits[k % 2] += is_chinese_high_byte(byte);
    below_0x40[k % 2] += byte < 0x40;
  }
  Utf16Evidence evidence;
  if (units == 0) return evidence;
  // Either byte of the pairs may be the high one (UTF-16BE: the first); the signs point at one at most.
  for (const int high : {0, 1}) {
    const int low = 1 - high;
    // A NUL high byte in at least a quarter of the pairs (half of them in a sample under 32 pairs, where one stray
    // NUL would be a quarter) and a NUL low byte (U+xx00) in at most an eighth as many: text in any other encoding
    // has no NULs, and binary data has them at both positions.
    evidence.by_nuls = (units < 32 ? 2 : 4) * nuls[high] >= units && 8 * nuls[low] <= nuls[high];
    // Nine high bytes in ten fit, and fewer than three low bytes in five: CJK's low bytes fit one time in three, and
    // where ASCII (whose low bytes fit more) is a quarter of the text or more, the NULs decide. GBK and Big5 do not
    // come near (their common characters' lead bytes do not fit), nor does UTF-8's CJK with its E4–E9 lead bytes.
    // And one low byte in sixteen or more is below 0x40, as a quarter of CJK's are and line breaks are: GBK's and
    // Big5's trail bytes never are, so text of only their rarer characters (lead bytes 0x81–0xA0) is not taken either.
    evidence.by_high_bytes = 10 * fits[high] >= 9 * units && 5 * fits[low] < 3 * units && 16 * below_0x40[low] >= units;
    evidence.encoding = {high == 0 ? "UTF-16BE" : "UTF-16LE", static_cast<int>(100 * fits[high] / units), true};
    if (evidence.by_nuls || evidence.by_high_bytes) break;
  }
  return evidence;
}

// UTF-16 by its byte-order mark.
std::optional<DetectedEncoding> utf16_by_bom(std::string_view sample) {
  if (sample.substr(0, 2) == "\xFF\xFE") return DetectedEncoding{"UTF-16LE", 100, true};
  if (sample.substr(0, 2) == "\xFE\xFF") return DetectedEncoding{"UTF-16BE", 100, true};
  return std::nullopt;
}

// GB18030 (which includes GBK) or Big5, whichever ICU's charset detector finds likelier; when ICU is unsure, by the
// trail bytes of `whole_lines` (the sample without a line cut off at its end). Nothing when ICU recognises neither.
std::optional<DetectedEncoding> detect_chinese_legacy(std::string_view sample, std::string_view whole_lines,
                                                      const std::string& origin) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> detector(ucsdet_open(&status), ucsdet_close);
  ucsdet_setText(detector.get(), sample.data(), static_cast<int32_t>(sample.size()), &status);
  int32_t count = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(detector.get(), &count, &status);
  if (U_FAILURE(status)) throw Error(origin + ": cannot detect the encoding (" + u_errorName(status) + "); give --encoding");
  // Double-byte characters, as ICU counts them: a lead byte 0x81–0xFE and the byte after it.
  std::size_t double_byte_characters = 0;
  for (std::size_t k = 0; k + 1 < sample.size(); ++k) {
    const unsigned char byte = static_cast<unsigned char>(sample[k]);
    if (byte < 0x81 || byte == 0xFF) continue;
    ++double_byte_characters;
    ++k;
  }
  // The first (likeliest) of the two among ICU's matches.
  for (int32_t m = 0; m < count; ++m) {
    const std::string name = ucsdet_getName(matches[m], &status);
    const int confidence = ucsdet_getConfidence(matches[m], &status);
    if (name != "GB18030" && name != "Big5") continue;
    // Unsure on a sample ICU could judge; on a shorter one when both encodings read it (a guess either way).
    const bool both_read_it = valid_prefix(whole_lines, "Big5", origin) == whole_lines.size() &&
                              valid_prefix(whole_lines, "GB18030", origin) == whole_lines.size();
    const bool uncertain = confidence < kConfidentDetection &&
                           (double_byte_characters > kJudgedCharacters || (double_byte_characters > 0 && both_read_it));
    if (confidence >= kConfidentDetection) return DetectedEncoding{name, confidence, true, uncertain};
    // ICU is unsure (a short sample): Big5 when a double-byte character has a trail byte in 0x40–0x7E, which half
    // of Big5's common characters have and GB2312's (GBK's common part) never do, and the sample is valid Big5
    // (GBK's traditional characters have such trail bytes too).
    for (std::size_t k = 0; k + 1 < whole_lines.size(); ++k) {
      if (static_cast<unsigned char>(whole_lines[k]) < 0x81) continue;
      const unsigned char trail = static_cast<unsigned char>(whole_lines[++k]);
      if (trail < 0x40 || trail > 0x7E) continue;
      if (valid_prefix(whole_lines, "Big5", origin) == whole_lines.size()) return DetectedEncoding{"Big5", confidence, true, uncertain};
      break;
    }
    return DetectedEncoding{"GB18030", confidence, true, uncertain};
  }
  return std::nullopt;
}

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

bool is_utf8_name(const std::string& encoding) {
  std::string name;
  for (char c : encoding)
    if (c != '-' && c != '_') name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name == "utf8";
}

std::size_t min_char_size(const std::string& encoding, const std::string& origin) {
  if (is_utf8_name(encoding)) return 1;
  return static_cast<std::size_t>(ucnv_getMinCharSize(open_converter(encoding, origin).get()));
}

std::optional<DetectedEncoding> detect_utf16(std::string_view sample) {
  if (const std::optional<DetectedEncoding> marked = utf16_by_bom(sample)) return marked;
  const Utf16Evidence evidence = utf16_evidence(sample);
  if (evidence.by_nuls || evidence.by_high_bytes) return evidence.encoding;
  return std::nullopt;
}

DetectedEncoding detect_encoding(std::string_view sample, bool complete, const std::string& origin) {
  if (sample.substr(0, 3) == kUtf8Bom) return {"UTF-8", 100, true};
  if (const std::optional<DetectedEncoding> marked = utf16_by_bom(sample)) return *marked;
  // UTF-16's NULs come first: its ASCII is valid UTF-8.
  const Utf16Evidence utf16 = utf16_evidence(sample);
  if (utf16.by_nuls) return utf16.encoding;
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
  if (invalid == 0) return {"UTF-8", 100, true};
  const DetectedEncoding utf8{"UTF-8", static_cast<int>(100 * sequences / (sequences + invalid)), true};
  if (sequences >= 2 * invalid) return utf8;
  if (utf16.by_high_bytes) return utf16.encoding;
  // An incomplete sample is cut at its last line break for the checks of validity.
  const std::string_view whole_lines = complete ? sample : sample.substr(0, sample.rfind('\n') + 1);
  const std::optional<DetectedEncoding> legacy = detect_chinese_legacy(sample, whole_lines, origin);
  if (sequences > 0 && (!legacy || valid_prefix(whole_lines, legacy->name, origin) < valid_prefix(whole_lines, "UTF-8", origin)))
    return utf8;
  if (!legacy) throw Error(origin + ": not UTF-8, UTF-16, or recognisably GB18030, GBK or Big5; give --encoding");
  return *legacy;
}

std::string describe_encoding(const std::string& origin, const DetectedEncoding& encoding) {
  return origin + ": encoding " + encoding.name +
         (encoding.detected ? " (detected, confidence " + std::to_string(encoding.confidence) + ")" : "");
}

void warn_if_uncertain(const std::string& origin, const DetectedEncoding& encoding) {
  if (!encoding.uncertain) return;
  std::cerr << "ner: warning: " << origin << ": encoding " << encoding.name << " guessed with low confidence ("
            << encoding.confidence << " of 100); if the text comes out wrong, give --encoding NAME (e.g. --encoding "
            << (encoding.name == "Big5" ? "gb18030" : "big5") << ")\n";
}

std::string not_utf8_hint(std::string_view bytes) {
  // The encoding to suggest: the one detected, else the commonest legacy one.
  std::string suggestion = "gb18030";
  try {
    const DetectedEncoding found = detect_encoding(bytes.substr(0, kDetectionSample), bytes.size() <= kDetectionSample, "");
    if (!is_utf8_name(found.name)) suggestion = lowercase(found.name);
  } catch (const Error&) {
    // nothing recognised: the commonest it is
  }
  return " (not UTF-8? try --encoding auto or --encoding " + suggestion + ")";
}

std::string to_utf8(std::string_view bytes, const std::string& encoding, const std::string& origin) {
  if (encoding == kAutoEncoding)
    return to_utf8(bytes, detect_encoding(bytes.substr(0, kDetectionSample), bytes.size() <= kDetectionSample, origin), origin);
  return to_utf8(bytes, DetectedEncoding{encoding}, origin);
}

std::string to_utf8(std::string_view bytes, const DetectedEncoding& encoding, const std::string& origin) {
  if (is_utf8_name(encoding.name)) {
    std::string_view text = strip_bom(bytes);
    std::size_t skipped = bytes.size() - text.size();
    std::size_t bad = find_invalid_utf8(text);
    if (bad != std::string_view::npos) {
      std::size_t offset = skipped + bad;
      check_utf8(text.substr(bad), origin, line_of_offset(bytes, offset), offset);
    }
    return std::string(text);
  }

  // bytes -> UTF-16, stopping at the first sequence that is invalid in the encoding.
  std::size_t invalid_at;
  const std::vector<UChar> utf16 = to_utf16(bytes, encoding.name, origin, invalid_at);
  if (invalid_at != std::string_view::npos)
    throw error_at(origin, line_of_offset(bytes, invalid_at), "invalid " + encoding.name + " at byte offset " + std::to_string(invalid_at));
  const std::size_t length = utf16.size();
  const std::size_t start = (length > 0 && utf16[0] == 0xFEFF) ? 1 : 0;

  // UTF-16 -> UTF-8 (at most 3 bytes per UTF-16 unit).
  std::string utf8(3 * (length - start), '\0');
  int32_t written = 0;
  UErrorCode status = U_ZERO_ERROR;
  u_strToUTF8(utf8.data(), static_cast<int32_t>(utf8.size()), &written, utf16.data() + start,
              static_cast<int32_t>(length - start), &status);
  if (U_FAILURE(status)) throw Error(origin + ": cannot convert from " + encoding.name + ": " + u_errorName(status));
  utf8.resize(static_cast<std::size_t>(written));
  return utf8;
}

void refuse_binary(std::string_view head, const std::string& encoding, const std::string& origin, const std::string& expected,
                   bool nul_in_utf8) {
  refuse_known_binary(head, origin, expected);
  const std::string_view checked = head.substr(0, kBinaryCheckBytes);
  const std::size_t nul = checked.find('\0');
  if (nul == std::string_view::npos) return;
  if (encoding == kAutoEncoding ? detect_utf16(head.substr(0, kDetectionSample)).has_value() : min_char_size(encoding, origin) > 1)
    return;
  // Valid UTF-8 but for a character that the end of the bytes checked may cut (in their last 3 bytes).
  const std::size_t invalid = find_invalid_utf8(checked);
  const bool cut = checked.size() < head.size() && invalid != std::string_view::npos && invalid + 4 > checked.size();
  if (nul_in_utf8 && (invalid == std::string_view::npos || cut)) return;
  throw Error(origin + ": is a binary file (a NUL byte at byte offset " + std::to_string(nul) + "), not " + expected);
}

}  // namespace data
