#include "data/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace data {
namespace {

struct TokenCase {
  const char* name;
  std::string text;
  std::vector<std::string> tokens;
};

TEST(Tokenizer, OneTokenPerGraphemeWithoutWhitespace) {
  const TokenCase cases[] = {
      {"empty", "", {}},
      {"whitespace only", " \t  ", {}},
      {"ideographic space U+3000", "中\u3000文", {"中", "文"}},
      {"full-width latin", "ＡＢＣ", {"Ａ", "Ｂ", "Ｃ"}},
      {"circled digit", "①号", {"①", "号"}},
      {"emoji", "好😀", {"好", "😀"}},
      {"emoji ZWJ family", "\U0001F468\u200D\U0001F469\u200D\U0001F467!", {"\U0001F468\u200D\U0001F469\u200D\U0001F467", "!"}},
      {"flag", "\U0001F1E8\U0001F1F3", {"\U0001F1E8\U0001F1F3"}},
      {"combining mark", "e\u0301x", {"e\u0301", "x"}},
      {"CRLF is whitespace", "a\r\nb", {"a", "b"}},
  };
  Tokenizer tokenizer;
  for (const auto& c : cases) {
    std::vector<std::string> got;
    for (const Token& token : tokenizer.tokenize(c.text)) got.emplace_back(token.text(c.text));
    EXPECT_EQ(got, c.tokens) << c.name;
  }
}

TEST(Tokenizer, OffsetsPointIntoTheOriginalText) {
  Tokenizer tokenizer;
  std::string text = "李 e\u0301😀";
  std::vector<Token> tokens = tokenizer.tokenize(text);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].byte_begin, 0u);
  EXPECT_EQ(tokens[0].byte_end, 3u);
  EXPECT_EQ(tokens[0].cp_begin, 0u);
  EXPECT_EQ(tokens[0].cp_end, 1u);
  // The space is code point 1; "e" + combining acute is code points 2..4.
  EXPECT_EQ(tokens[1].cp_begin, 2u);
  EXPECT_EQ(tokens[1].cp_end, 4u);
  EXPECT_EQ(tokens[1].byte_begin, 4u);
  EXPECT_EQ(tokens[1].byte_end, 7u);
  EXPECT_EQ(tokens[2].cp_begin, 4u);
  EXPECT_EQ(tokens[2].cp_end, 5u);
  EXPECT_EQ(tokens[2].byte_end, text.size());
}

TEST(Tokenizer, IsReusable) {
  Tokenizer tokenizer;
  EXPECT_EQ(tokenizer.tokenize("中文字").size(), 3u);
  EXPECT_EQ(tokenizer.tokenize("ab").size(), 2u);
  EXPECT_EQ(tokenizer.tokenize("").size(), 0u);
}

}  // namespace
}  // namespace data
