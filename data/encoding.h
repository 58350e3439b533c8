// Bytes in a named encoding (UTF-8, GB18030, GBK, Big5, UTF-16, ...) to validated UTF-8 text (ICU converters).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace data {

inline constexpr const char* kAutoEncoding = "auto";
// The encoding every input (corpora and text to tag) is read in unless --encoding names one.
inline constexpr const char* kDefaultEncoding = kAutoEncoding;
inline constexpr std::size_t kDetectionSample = 1 << 16;  // bytes that detection looks at
// ICU's confidence (0–100) below which its choice between GB18030 and Big5 is checked by their trail bytes, and is
// warned about on a sample it could judge (see kJudgedCharacters) or on a shorter one that both encodings read.
inline constexpr int kConfidentDetection = 50;
// ICU's multi-byte recognisers answer a fixed confidence of 10 for a text of at most 10 double-byte characters: on
// such a sample a low confidence is no sign of a wrong guess.
inline constexpr std::size_t kJudgedCharacters = 10;

// True for the names that mean UTF-8 ("utf-8", "UTF8", ...).
bool is_utf8_name(const std::string& encoding);

// The smallest number of bytes a character takes in `encoding` (1 for UTF-8, GB18030 and Big5; 2 for UTF-16; 4 for
// UTF-32): where it is 1, a NUL byte is a NUL character, which text does not have. An unknown name is a data::Error
// naming `origin`.
std::size_t min_char_size(const std::string& encoding, const std::string& origin);

struct DetectedEncoding {
  std::string name;        // an ICU converter name: UTF-8, UTF-16LE, UTF-16BE, GB18030 or Big5; or the name given
  int confidence = 100;    // 0–100: 100 for a byte-order mark or valid UTF-8, else how well the sample fits
  bool detected = false;   // found by detect_encoding, not named by --encoding
  bool uncertain = false;  // ICU's confidence was below kConfidentDetection on more than kJudgedCharacters
};

// Refuses input that is not text, by its first bytes `head`: refuse_known_binary, then a NUL byte in the first
// kBinaryCheckBytes unless `encoding` has them (min_char_size above 1, or with "auto" UTF-16 as detect_utf16 sees
// it) or, with `nul_in_utf8`, they are valid UTF-8 (text that holds a NUL character): "ORIGIN: is a binary file (a
// NUL byte at byte offset N), not EXPECTED" (what every reader says).
inline constexpr std::size_t kBinaryCheckBytes = 1024;
void refuse_binary(std::string_view head, const std::string& encoding, const std::string& origin, const std::string& expected,
                   bool nul_in_utf8 = false);

// UTF-16 by its byte-order mark, or without one by where its NUL bytes and the high bytes of its code units are
// (UTF-16LE or UTF-16BE), or nothing when `sample` does not look like UTF-16 (see encoding.cc).
std::optional<DetectedEncoding> detect_utf16(std::string_view sample);

// The encoding of text that begins with `sample` (`complete`: the sample is the whole text): a byte-order mark
// (UTF-8, UTF-16), else UTF-16 if NUL bytes fill one byte of a quarter of the byte pairs (half, under 32 pairs) and
// hardly any of the other (detect_utf16), else UTF-8 if the sample is UTF-8 but for a few bad bytes (at least two valid multi-byte
// sequences per invalid byte; those bytes are then reported where they are), else UTF-16 if the high bytes of the
// pairs are those of Chinese text (detect_utf16), else the better of GB18030 (which includes GBK) and Big5 by
// ICU's charset detector, or when ICU is unsure (a short sample) by their trail bytes and whether the sample is
// valid Big5; and UTF-8 again when the sample has UTF-8 characters and reads further as UTF-8 than in that
// encoding (a UTF-8 file with a bad byte early on), so that the error names that byte.
// None of them is a data::Error naming `origin` that asks for --encoding.
DetectedEncoding detect_encoding(std::string_view sample, bool complete, const std::string& origin);

// What the corpus commands' --verbose prints, in the words of `ner tag --verbose`: "FILE: encoding NAME", and for a
// detected one " (detected, confidence N)".
std::string describe_encoding(const std::string& origin, const DetectedEncoding& encoding);

// Writes one warning line on stderr when `encoding` is an uncertain guess: it names `origin`, the encoding and the
// confidence, and suggests --encoding NAME.
void warn_if_uncertain(const std::string& origin, const DetectedEncoding& encoding);

// What an error about invalid bytes in UTF-8 that --encoding named adds: " (not UTF-8? try --encoding auto or
// --encoding NAME)", with the encoding that detection finds in `bytes` (else gb18030).
std::string not_utf8_hint(std::string_view bytes);

// Converts `bytes` to UTF-8 without a byte-order mark ("auto": the encoding detect_encoding finds). Invalid input
// is a data::Error naming `origin`, the line and the byte offset in `bytes`; an unknown encoding name is an error too.
std::string to_utf8(std::string_view bytes, const std::string& encoding, const std::string& origin);
std::string to_utf8(std::string_view bytes, const DetectedEncoding& encoding, const std::string& origin);

}  // namespace data
