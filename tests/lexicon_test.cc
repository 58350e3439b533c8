#include "data/lexicon.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "data/binary_io.h"
#include "data/error.h"
#include "data/vectors.h"
#include "tests/test_support.h"

namespace data {
namespace {

std::vector<std::string> chars(const std::string& text) {
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < text.size(); i += 3) keys.push_back(text.substr(i, 3));  // CJK only: 3 bytes each
  return keys;
}

TEST(Lexicon, MatchesEveryDictionaryWordFromEveryPosition) {
  Lexicon lexicon;
  lexicon.add(chars("南京"), 10);
  lexicon.add(chars("南京市"), 5);
  lexicon.add(chars("市长"), 8);
  lexicon.add(chars("长江大桥"), 3);
  lexicon.add(chars("长江"), 20);
  lexicon.add(chars("江"), 1);
  std::vector<std::string> words;
  for (const Lexicon::Match& m : lexicon.match(chars("南京市长江大桥")))
    words.push_back(std::to_string(m.begin) + "-" + std::to_string(m.end) + ":" + lexicon.word(m.word));
  EXPECT_EQ(words, (std::vector<std::string>{"0-2:南京", "0-3:南京市", "2-4:市长", "3-5:长江", "3-7:长江大桥", "4-5:江"}));
  EXPECT_TRUE(lexicon.match(chars("北海")).empty());
  EXPECT_TRUE(lexicon.match({}).empty());
}

TEST(Lexicon, ReadsJiebaFormatNormalizesAndRoundTrips) {
  std::string path = test_support::temp_path("dict.txt");
  std::ofstream(path) << "南京 10 ns\n长江大桥 3 ns\nＡＢ 2\n\n南京 12\n";
  Lexicon lexicon = Lexicon::read(path, NormalizeOptions{});
  EXPECT_EQ(lexicon.size(), 3u);
  EXPECT_EQ(lexicon.word(2), "AB");  // stored by NFKC keys
  EXPECT_EQ(lexicon.frequency(0), 12);  // a repeated word keeps the larger frequency
  EXPECT_EQ(lexicon.parts_of_speech(), (std::vector<std::string>{"", "ns"}));
  EXPECT_EQ(lexicon.part_of_speech(1), 1u);  // 长江大桥 ns
  EXPECT_EQ(lexicon.part_of_speech(2), 0u);  // ＡＢ: none given
  for (bool parts_of_speech : {false, true}) {
    std::stringstream stream;
    lexicon.save(stream, parts_of_speech);
    Lexicon loaded = Lexicon::load(stream, "m", parts_of_speech);
    EXPECT_EQ(loaded.size(), 3u);
    EXPECT_EQ(loaded.match({"A", "B"}).size(), 1u);
    EXPECT_EQ(loaded.part_of_speech(1), parts_of_speech ? 1u : 0u);
    EXPECT_EQ(loaded.parts_of_speech().size(), parts_of_speech ? 2u : 1u);
  }

  std::ofstream(path) << "南京 10\n长江 many\n";
  try {
    Lexicon::read(path, NormalizeOptions{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ":2: expected 'word frequency', got frequency 'many'");
  }
  std::ofstream(path) << "南京 10 ns\n长江 3 " << std::string(65, 'x') << "\n";
  try {
    Lexicon::read(path, NormalizeOptions{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ":2: part of speech longer than 64 bytes");
  }
  {
    std::ofstream out(path);
    for (int i = 0; i < 256; ++i) out << "词" << i << " 1 p" << i << "\n";
  }
  try {
    Lexicon::read(path, NormalizeOptions{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ":256: more than 255 different parts of speech");
  }
  std::remove(path.c_str());
}

// The earlier model files list the words, and the trie is rebuilt from them: the same lexicon as the stored trie.
TEST(Lexicon, ReadsTheEarlierWordListForm) {
  Lexicon lexicon;
  lexicon.add(chars("南京"), 10, "ns");
  lexicon.add(chars("南京市"), 4);
  lexicon.add(chars("长江大桥"), 3, "ns");
  std::stringstream stream;
  write_pod<std::uint32_t>(stream, 3);
  for (std::size_t w = 0; w < 3; ++w) {
    const std::vector<std::string> keys = chars(lexicon.word(w));
    write_pod<std::uint8_t>(stream, static_cast<std::uint8_t>(keys.size()));
    for (const std::string& key : keys) write_string(stream, key);
    write_pod<double>(stream, lexicon.frequency(w));
    write_string(stream, lexicon.parts_of_speech()[lexicon.part_of_speech(w)]);
  }
  const Lexicon rebuilt = Lexicon::load(stream, "m", /*parts_of_speech=*/true);
  std::stringstream saved;
  lexicon.save(saved, true);
  const Lexicon stored = Lexicon::load(saved, "m", true);
  for (const Lexicon* loaded : {&rebuilt, &stored}) {
    ASSERT_EQ(loaded->size(), 3u);
    const std::vector<Lexicon::Match> matches = loaded->match(chars("南京市长江大桥"));
    ASSERT_EQ(matches.size(), 3u);
    EXPECT_EQ(loaded->word(matches[1].word), "南京市");
    EXPECT_EQ(loaded->frequency(matches[2].word), 3);
    EXPECT_EQ(loaded->parts_of_speech()[loaded->part_of_speech(matches[2].word)], "ns");
  }
}

// A stored trie whose indices point outside it is refused, whichever byte of its arrays is damaged.
TEST(Lexicon, RefusesAStoredTrieThatPointsOutsideItself) {
  Lexicon lexicon;
  lexicon.add(chars("南京"), 10);
  lexicon.add(chars("南京市"), 4);
  std::stringstream stream;
  lexicon.save(stream, false);
  const std::string bytes = stream.str();
  std::size_t refused = 0;
  for (std::size_t at = 4; at < bytes.size(); ++at) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x40);
    std::stringstream in(damaged);
    try {
      const Lexicon loaded = Lexicon::load(in, "m", false);
      loaded.match(chars("南京市南京"));  // whatever it holds, matching stays inside it
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("m: ", 0), 0u) << e.what();
      ++refused;
    }
  }
  EXPECT_GT(refused, bytes.size() / 4);
  // Two parts of speech of the same name (tagging would look one of them up as none) are refused.
  Lexicon tagged;
  tagged.add(chars("南京"), 10, "ns");
  tagged.add(chars("北京"), 10, "nr");
  std::stringstream saved;
  tagged.save(saved, true);
  std::string twice = saved.str();
  twice.replace(twice.find("nr"), 2, "ns");
  std::stringstream in(twice);
  try {
    Lexicon::load(in, "m", true);
    ADD_FAILURE() << "a part of speech twice was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "m: damaged lexicon (a part of speech twice)");
  }
}

TEST(Vectors, ReadsWord2vecTextAndReportsBadLines) {
  std::string path = test_support::temp_path("vec.txt");
  std::ofstream(path) << "2 3\n中 0.1 0.2 0.3\n国 -1 0 1e-2\n";
  const auto all = [](const std::string&, std::size_t) { return true; };
  Vectors vectors = read_vectors(path, all);
  EXPECT_EQ(vectors.dim, 3u);
  EXPECT_EQ(vectors.keys, (std::vector<std::string>{"中", "国"}));
  EXPECT_FLOAT_EQ(vectors.values[1][2], 0.01f);
  // Only the vectors `keep` accepts are kept; it sees each key with its rank in the file.
  std::vector<std::string> seen;
  Vectors second = read_vectors(path, [&](const std::string& key, std::size_t rank) {
    seen.push_back(key + std::to_string(rank));
    return rank == 1;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"中0", "国1"}));
  EXPECT_EQ(second.keys, (std::vector<std::string>{"国"}));
  EXPECT_FLOAT_EQ(second.values[0][0], -1.0f);
  // A line is checked even when its vector is not kept.
  std::ofstream(path) << "中 0.1 0.2 0.3\n国 0.5 0.6\n";
  try {
    read_vectors(path, [](const std::string&, std::size_t) { return false; });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ":2: expected a key and 3 numbers, got 3 columns");
  }
  // A first line of two columns is the header only when both are counts; else it is a one-dimensional vector.
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"中 x\n", path + ":1: 'x' is not a finite number"},
      {"3 2\n", path + ": no vectors (the file is empty or holds only the `count dim` header)"}};
  for (const auto& [text, message] : bad) {
    std::ofstream(path) << text;
    try {
      read_vectors(path, all);
      ADD_FAILURE() << text;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), message);
    }
  }
  std::ofstream(path) << "中 0.5\n";
  EXPECT_EQ(read_vectors(path, all).dim, 1u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace data
