#include "data/utf8.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <string>

#include "data/encoding.h"
#include "data/error.h"

namespace data {
namespace {

// `utf8` converted to `encoding` by ICU.
std::string from_utf8(const std::string& utf8, const char* encoding) {
  std::string out(4 * utf8.size() + 4, '\0');
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length = ucnv_convert(encoding, "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                                      static_cast<int32_t>(utf8.size()), &status);
  EXPECT_FALSE(U_FAILURE(status)) << u_errorName(status);
  out.resize(static_cast<std::size_t>(length));
  return out;
}

struct InvalidCase {
  const char* name;
  std::string bytes;
  std::size_t offset;  // of the first bad byte; npos when valid
};

TEST(Utf8, FindsTheFirstInvalidOrTruncatedSequence) {
  const std::size_t ok = std::string_view::npos;
  const InvalidCase cases[] = {
      {"empty", "", ok},
      {"ascii", "abc 123", ok},
      {"chinese", "中文", ok},
      {"emoji", "\xF0\x9F\x98\x80", ok},
      {"lone continuation byte", "a\x80", 1},
      {"0xFF", "中\xFF", 3},
      {"truncated 3-byte at end", "ab\xE4\xB8", 2},
      {"truncated 4-byte in middle", "\xF0\x9F\x98x", 0},
      {"overlong NUL", "\xC0\x80", 0},
      {"UTF-16 surrogate", "\xED\xA0\x80", 0},
      {"beyond U+10FFFF", "\xF4\x90\x80\x80", 0},
      {"NUL byte is valid", std::string("a\0b", 3), ok},
  };
  for (const auto& c : cases) EXPECT_EQ(find_invalid_utf8(c.bytes), c.offset) << c.name;
}

TEST(Utf8, ErrorNamesOriginLineByteAndOffset) {
  try {
    check_utf8("ab\xFF", "x.txt", 2, 10);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "x.txt:2: invalid UTF-8 (byte 0xFF) at byte offset 12");
  }
}

TEST(Utf8, DecodeEncodeAndCount) {
  std::u32string expected = U"中a😀";
  std::vector<char32_t> decoded = decode_utf8("中a😀");
  EXPECT_EQ(std::u32string(decoded.begin(), decoded.end()), expected);
  std::string encoded;
  for (char32_t c : expected) append_utf8(c, encoded);
  EXPECT_EQ(encoded, "中a😀");
  EXPECT_EQ(count_code_points("中a😀"), 3u);
  EXPECT_EQ(count_code_points(""), 0u);
}

TEST(Utf8, BomIsSkipped) {
  EXPECT_EQ(strip_bom("\xEF\xBB\xBF中"), "中");
  EXPECT_EQ(strip_bom("中"), "中");
  EXPECT_EQ(to_utf8("\xEF\xBB\xBF中文", "utf-8", "f"), "中文");
}

TEST(Encoding, ConvertsLegacyAndUtf16) {
  EXPECT_EQ(to_utf8("\xD6\xD0\xCE\xC4", "gb18030", "f"), "中文");
  EXPECT_EQ(to_utf8("\xD6\xD0\xCE\xC4", "GBK", "f"), "中文");
  EXPECT_EQ(to_utf8("\xA4\xA4\xA4\xE5", "big5", "f"), "中文");
  EXPECT_EQ(to_utf8(std::string("\xFF\xFE\x2D\x4E\x87\x65", 6), "utf-16", "f"), "中文");
  EXPECT_EQ(to_utf8(std::string("\x4E\x2D\x65\x87", 4), "utf-16be", "f"), "中文");
  // GB18030 four-byte sequence: U+00A5 YEN SIGN is 81 30 84 36.
  EXPECT_EQ(to_utf8("\x81\x30\x84\x36", "gb18030", "f"), "\xC2\xA5");
}

TEST(Encoding, InvalidBytesNameLineAndOffset) {
  try {
    to_utf8("\xD6\xD0\n\xFF\xFF", "gb18030", "in.txt");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "in.txt:2: invalid gb18030 at byte offset 3");
  }
  try {
    to_utf8("ok\nok\n\xE4\xB8", "utf-8", "in.txt");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "in.txt:3: invalid UTF-8 (byte 0xE4) at byte offset 6");
  }
  EXPECT_THROW(to_utf8("x", "no-such-encoding", "in.txt"), Error);
}

// UTF-16 without a byte-order mark, in both byte orders, of Chinese text with a little ASCII and of a CoNLL corpus
// (told by their high bytes, also where characters like U+4E00 put more NULs in the low bytes than line breaks put
// in the high ones), and of Latin text (told by its NULs; as UTF-16LE it is even valid UTF-8); the same text in
// GBK and UTF-8 (and traditional text in Big5) is not taken for it.
TEST(Encoding, Utf16WithoutByteOrderMarkIsDetected) {
  const std::string chinese = "张伟在北京大学读书，后来去了上海工作。\n李娜是湖北人，2019年到深圳。\n";
  const std::string conll = "张 B-PER\n伟 I-PER\n在 O\n北 B-LOC\n京 I-LOC\n";
  const std::string latin = "zhang wei lives in beijing, li na in wuhan: the caf\u00e9 is open\n";
  const std::string nul_low_bytes = "一开始他一个人开车，一万一千元。\n";  // 一 is U+4E00, 开 U+5F00
  for (const std::string& text : {chinese, conll, latin, nul_low_bytes}) {
    for (const char* name : {"UTF-16LE", "UTF-16BE"}) {
      const std::string bytes = from_utf8(text, name);
      ASSERT_NE(bytes.substr(0, 2), "\xFF\xFE");
      EXPECT_EQ(detect_encoding(bytes, true, "f").name, name) << text;
      EXPECT_EQ(to_utf8(bytes, "auto", "f"), text);
      ASSERT_TRUE(detect_utf16(bytes).has_value());
      EXPECT_EQ(detect_utf16(bytes)->name, name);
    }
    EXPECT_EQ(detect_encoding(from_utf8(text, "GBK"), true, "f").name, "GB18030");
    EXPECT_EQ(detect_encoding(text, true, "f").name, "UTF-8");
    EXPECT_FALSE(detect_utf16(from_utf8(text, "GBK")).has_value());
    EXPECT_FALSE(detect_utf16(text).has_value());
  }
  const std::string traditional = from_utf8("張偉在北京大學讀書，後來去了上海工作。\n", "Big5");
  EXPECT_EQ(detect_encoding(traditional, true, "f").name, "Big5");
  EXPECT_FALSE(detect_utf16(traditional).has_value());
}

// A UTF-8 file with a bad byte before its second UTF-8 character is still read as UTF-8, so that the error names
// the byte, though the bad byte outnumbers the good sequences.
TEST(Encoding, Utf8WithAnEarlyBadByteIsReportedAsUtf8) {
  for (const std::string& bytes : {std::string("张 B-PER\n\xFF O\n"), std::string("张 B-PER\n\xC3\x28 I-PER\n")}) {
    try {
      to_utf8(bytes, "auto", "in.bio");
      FAIL() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("in.bio:2: invalid UTF-8 (byte 0x", 0), 0u) << e.what();
    }
  }
}

// ICU's confidence is low for text of rare characters, and is flagged as uncertain once there are more than
// kJudgedCharacters of them; common text is not. A line too short to judge is uncertain when both GB18030 and Big5
// read it (中文 in Big5 was read as GB18030 without a word), not when only one does.
TEST(Encoding, UncertainOnALongSampleOfRareCharactersOrAShortOneBothEncodingsRead) {
  std::string rare;  // GBK/3 characters (lead 0x81–0xA0): valid GBK, in no list of common characters
  for (int k = 0; k < 40; ++k) rare += std::string{static_cast<char>(0x81 + k % 32), static_cast<char>(0xA1 + k % 14)};
  const DetectedEncoding guessed = detect_encoding(rare + "\n", true, "f");
  EXPECT_EQ(guessed.name, "GB18030");
  EXPECT_LT(guessed.confidence, kConfidentDetection);
  EXPECT_TRUE(guessed.uncertain);
  EXPECT_TRUE(detect_encoding(rare.substr(0, 2 * kJudgedCharacters) + "\n", true, "f").uncertain);
  const DetectedEncoding common = detect_encoding(from_utf8("张伟在北京大学读书，后来去了上海工作。\n李娜是湖北人。\n", "GBK"), true, "f");
  EXPECT_EQ(common.name, "GB18030");
  EXPECT_FALSE(common.uncertain) << common.confidence;
  EXPECT_TRUE(detect_encoding(from_utf8("张伟在北京。\n", "GBK"), true, "f").uncertain);
  EXPECT_TRUE(detect_encoding(from_utf8("中文\n", "Big5"), true, "f").uncertain);
  // Trail bytes 0x80–0xA0 are GBK's alone: short, but no guess.
  EXPECT_FALSE(detect_encoding("\x81\x80\x81\x90\x82\xA0\n", true, "f").uncertain);
}

// The hint for invalid bytes in named UTF-8 suggests what detection finds.
TEST(Encoding, NotUtf8HintNamesTheDetectedEncoding) {
  EXPECT_EQ(not_utf8_hint(from_utf8("张伟在北京大学读书，后来去了上海工作。\n", "GBK")),
            " (not UTF-8? try --encoding auto or --encoding gb18030)");
  EXPECT_EQ(not_utf8_hint(from_utf8("張偉在北京大學讀書，後來去了上海工作。\n", "Big5")),
            " (not UTF-8? try --encoding auto or --encoding big5)");
}

}  // namespace
}  // namespace data
