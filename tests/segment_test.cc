#include "data/segment.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace data {
namespace {

std::vector<std::string> sentence_texts(const std::string& text, std::size_t cap) {
  Tokenizer tokenizer;
  Segmenter segmenter;
  std::vector<Token> tokens = tokenizer.tokenize(text);
  std::vector<std::string> out;
  std::size_t expected_begin = 0;
  for (TokenRange range : segmenter.split(text, tokens, cap)) {
    // Ranges cover every token in order; a window overlaps the full window before it by window_overlap(cap).
    if (range.begin != expected_begin) {
      EXPECT_EQ(range.begin + window_overlap(cap), expected_begin) << "ranges must cover every token in order";
      EXPECT_EQ(out.empty() ? 0 : out.back().size() / 3, cap) << "only a full window is overlapped";
    }
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

// Without punctuation: windows of the cap, each beginning a fifth of the cap before the end of the one before.
TEST(Segmenter, WindowsOverlapWithoutPunctuation) {
  std::string text;
  for (int i = 0; i < 25; ++i) text += "字";
  const std::vector<std::string> windows = sentence_texts(text, 10);  // [0, 10), [8, 18), [16, 25)
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(windows[0].size(), 10u * 3);
  EXPECT_EQ(windows[1].size(), 10u * 3);
  EXPECT_EQ(windows[2].size(), 9u * 3);
  // A clause break after a window: cut there, no overlap.
  EXPECT_EQ(sentence_texts("一二三四五六七八九十一二三四五，六七八九十一", 10),
            (std::vector<std::string>{"一二三四五六七八九十", "九十一二三四五，", "六七八九十一"}));
}

}  // namespace
}  // namespace data
