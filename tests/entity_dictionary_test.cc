// A user's entity dictionary: its file's rules, each broken one an error naming the line, and its matches in a
// sentence (longest first where entries overlap, never inside a Latin word).
#include "data/entity_dictionary.h"

#include <gtest/gtest.h>

#include "data/error.h"
#include "data/tokenizer.h"
#include "tests/test_support.h"

namespace data {
namespace {

std::string error_of(const std::string& path) {
  try {
    EntityDictionary::read(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(EntityDictionary, EachBadLineIsAnErrorNamingIt) {
  const std::string path = test_support::temp_path("dictionary.tsv");
  auto with = [&](const std::string& bytes) {
    test_support::write_file(path, bytes);
    return error_of(path);
  };
  EXPECT_EQ(with("字节跳动\tORG\n\n# a comment\n字节跳动 ORG\n"), path + ":4: expected surface<TAB>TYPE (one tab)");
  EXPECT_EQ(with("字节跳动\tORG\tX\n"), path + ":1: expected surface<TAB>TYPE (one tab)");
  EXPECT_EQ(with("字节跳动\t\n"), path + ":1: type '': expected letters, digits, _ or - (like PER, ORG)");
  EXPECT_EQ(with("字节跳动\tO RG\n"), path + ":1: type 'O RG': expected letters, digits, _ or - (like PER, ORG)");
  EXPECT_EQ(with(" \tORG\n"), path + ":1: empty surface");
  EXPECT_EQ(with("一二三四五六七八九十一二三四五六七\tORG\n"), path + ":1: surface longer than 16 characters");
  EXPECT_EQ(with("字节跳动\tORG\n北京\tLOC\n字节跳动\tPER\n"), path + ":3: 字节跳动 is ORG on line 1, here PER");
  EXPECT_EQ(with("# nothing\n\n"), path + ": no entries (expected lines surface<TAB>TYPE)");
  EXPECT_EQ(with("字节跳动\tORG\r\n字节跳动\tORG\n北京\tLOC\n"), "") << "CRLF and a repeat of the same entry are fine";
  EXPECT_EQ(error_of(path + ".missing").rfind(path + ".missing: ", 0), 0u);
  const EntityDictionary dictionary = EntityDictionary::read(path);
  EXPECT_EQ(dictionary.size(), 2u);
  EXPECT_EQ(dictionary.types(), (std::vector<std::string>{"LOC", "ORG"}));
}

std::vector<std::string> graphemes(const std::string& text, std::vector<char>* joined = nullptr) {
  Tokenizer tokenizer;
  const std::vector<Token> tokens = tokenizer.tokenize(text);
  if (joined) *joined = joined_latin_words(text, tokens);
  std::vector<std::string> keys;
  for (const Token& token : tokens) keys.emplace_back(token.text(text));
  return keys;
}

TEST(EntityDictionary, MatchesLongestFirstAndNeverInsideALatinWord) {
  const std::string path = test_support::temp_path("dictionary.tsv");
  test_support::write_file(path, "北京\tLOC\n北京大学\tORG\n大学生\tPER\n学生\tPER\nAI\tORG\nOpen AI\tORG\n张伟\tPER\n");
  const EntityDictionary dictionary = EntityDictionary::read(path);
  // 北京大学 (4) beats 北京 and 大学生 (3) that overlap it; 学生 overlaps it too; 张伟 twice.
  EXPECT_EQ(dictionary.match(graphemes("张伟在北京大学生活，张伟"), {}),
            (std::vector<Span>{{0, 2, "PER"}, {3, 7, "ORG"}, {10, 12, "PER"}}));
  // Entries that do not overlap are all kept.
  EXPECT_EQ(dictionary.match(graphemes("北京的大学生"), {}), (std::vector<Span>{{0, 2, "LOC"}, {3, 6, "PER"}}));
  // "AI" inside ChatAI is no entry; alone it is; "Open AI" matches OpenAI and Open AI (white space is left out).
  std::vector<char> joined;
  EXPECT_TRUE(dictionary.match(graphemes("ChatAI发布", &joined), joined).empty());
  EXPECT_EQ(dictionary.match(graphemes("OpenAI发布", &joined), joined), (std::vector<Span>{{0, 6, "ORG"}}));
  EXPECT_EQ(dictionary.match(graphemes("用AI写", &joined), joined), (std::vector<Span>{{1, 3, "ORG"}}));
  EXPECT_EQ(dictionary.match(graphemes("Open AI发布", &joined), joined), (std::vector<Span>{{0, 6, "ORG"}}));
}

}  // namespace
}  // namespace data
