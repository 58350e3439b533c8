#include "data/segment.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace data {
namespace {

std::vector<std::string> sentence_texts(const std::string& text, std::size_t cap) {
  Tokenizer tokenizer;
  Segmenter segmenter(cap);
  std::vector<Token> tokens = tokenizer.tokenize(text);
  std::vector<std::string> out;
  std::size_t expected_begin = 0;
  for (TokenRange range : segmenter.split(text, tokens)) {
    EXPECT_EQ(range.begin, expected_begin) << "ranges must cover every token in order";
    EXPECT_LT(range.begin, range.end);
    EXPECT_LE(range.end - range.begin, cap);
    expected_begin = range.end;
    out.emplace_back(text.substr(tokens[range.begin].byte_begin,
                                 tokens[range.end - 1].byte_end - tokens[range.begin].byte_begin));
  }
  EXPECT_EQ(expected_begin, tokens.size());
  return out;
}

TEST(Segmenter, SplitsAtSentenceEnds) {
  EXPECT_EQ(sentence_texts("我爱北京。你好吗？很好！", 250),
            (std::vector<std::string>{"我爱北京。", "你好吗？", "很好！"}));
  EXPECT_EQ(sentence_texts("没有句号", 250), (std::vector<std::string>{"没有句号"}));
  EXPECT_TRUE(sentence_texts("", 250).empty());
  EXPECT_TRUE(sentence_texts("   ", 250).empty());
}

TEST(Segmenter, CapCutsAfterTheLastClauseBreak) {
  // 8 characters, a comma, 8 more: cap 12 cuts after the comma (inside the second half of the window).
  EXPECT_EQ(sentence_texts("一二三四五六七八，一二三四五六七八", 12),
            (std::vector<std::string>{"一二三四五六七八，", "一二三四五六七八"}));
}

TEST(Segmenter, CapCutsAtTheCapWithoutPunctuation) {
  std::string text;
  for (int i = 0; i < 25; ++i) text += "字";
  EXPECT_EQ(sentence_texts(text, 10).size(), 3u);
  EXPECT_EQ(sentence_texts(text, 10)[2].size(), 5u * 3);
}

}  // namespace
}  // namespace data
