#include "data/utf8.h"

#include <gtest/gtest.h>

#include <string>

#include "data/encoding.h"
#include "data/error.h"

namespace data {
namespace {

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

}  // namespace
}  // namespace data
