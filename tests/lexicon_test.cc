#include "data/lexicon.h"

#include <gtest/gtest.h>
#include <libdeflate.h>

#include <fstream>
#include <map>
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

template <typename T>
void write_values(std::ostream& out, const std::vector<T>& values) {
  write_pod<std::uint64_t>(out, values.size());
  out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(T)));
}

// The form model format 2 stored, the trie as it was in memory, written here as data/lexicon.h describes it: nodes
// numbered as the words make them, the edges in a table of 16 slots probed linearly from a Fibonacci hash. Parts of
// speech "" and "ns".
struct StoredWord {
  std::string text;
  double frequency;
  std::uint8_t part_of_speech;
};
std::string stored_trie_form(const std::vector<StoredWord>& words, bool parts_of_speech) {
  std::vector<std::string> keys;
  std::map<std::string, int> symbols;
  std::vector<std::uint32_t> start = {0};
  std::vector<int> word_symbols, node_word = {-1};
  std::vector<double> frequencies;
  std::vector<std::uint8_t> word_parts;
  std::map<std::pair<int, int>, int> edges;  // (node, symbol) -> child
  for (const StoredWord& word : words) {
    int node = 0;
    for (const std::string& key : chars(word.text)) {
      const auto [symbol, new_symbol] = symbols.emplace(key, static_cast<int>(keys.size()));
      if (new_symbol) keys.push_back(key);
      word_symbols.push_back(symbol->second);
      const auto [edge, new_edge] = edges.emplace(std::pair(node, symbol->second), static_cast<int>(node_word.size()));
      if (new_edge) node_word.push_back(-1);
      node = edge->second;
    }
    node_word[static_cast<std::size_t>(node)] = static_cast<int>(frequencies.size());
    start.push_back(static_cast<std::uint32_t>(word_symbols.size()));
    frequencies.push_back(word.frequency);
    word_parts.push_back(word.part_of_speech);
  }
  const std::size_t slots = 16;
  std::vector<std::uint64_t> table(slots, 0);
  std::vector<int> children(slots, -1);
  for (const auto& [edge, child] : edges) {
    const std::uint64_t key = ((static_cast<std::uint64_t>(edge.first) << 32) | static_cast<std::uint32_t>(edge.second)) + 1;
    auto i = static_cast<std::size_t>((static_cast<unsigned __int128>(key * 0x9E3779B97F4A7C15ull) * slots) >> 64);
    while (table[i] != 0) i = (i + 1) % slots;
    table[i] = key;
    children[i] = child;
  }
  std::stringstream out;
  write_pod<std::uint32_t>(out, Lexicon::kStoredTrie);
  write_pod<std::uint32_t>(out, static_cast<std::uint32_t>(keys.size()));
  for (const std::string& key : keys) write_string(out, key);
  if (parts_of_speech) {
    write_pod<std::uint32_t>(out, 2);
    write_string(out, "");
    write_string(out, "ns");
  }
  write_values(out, start);
  write_values(out, word_symbols);
  write_values(out, frequencies);
  if (parts_of_speech) write_values(out, word_parts);
  write_values(out, node_word);
  write_values(out, table);
  write_values(out, children);
  return out.str();
}

// What save compresses (the words' arrays), and save's form of such bytes.
std::string words_form(const Lexicon& lexicon, bool parts_of_speech) {
  std::stringstream saved;
  lexicon.save(saved, parts_of_speech);
  EXPECT_EQ(read_pod<std::uint32_t>(saved, "m"), Lexicon::kCompressedWords);
  const auto size = read_pod<std::uint64_t>(saved, "m"), deflated_size = read_pod<std::uint64_t>(saved, "m");
  std::string deflated(deflated_size, '\0'), bytes(size, '\0');
  read_bytes(saved, deflated.data(), deflated.size(), "m");
  libdeflate_decompressor* decompressor = libdeflate_alloc_decompressor();
  EXPECT_EQ(libdeflate_deflate_decompress(decompressor, deflated.data(), deflated.size(), bytes.data(), bytes.size(), nullptr),
            LIBDEFLATE_SUCCESS);
  libdeflate_free_decompressor(decompressor);
  return bytes;
}
std::string compressed_form(const std::string& bytes) {
  libdeflate_compressor* compressor = libdeflate_alloc_compressor(6);
  std::string deflated(libdeflate_deflate_compress_bound(compressor, bytes.size()), '\0');
  deflated.resize(libdeflate_deflate_compress(compressor, bytes.data(), bytes.size(), deflated.data(), deflated.size()));
  libdeflate_free_compressor(compressor);
  std::stringstream out;
  write_pod<std::uint32_t>(out, Lexicon::kCompressedWords);
  write_pod<std::uint64_t>(out, bytes.size());
  write_pod<std::uint64_t>(out, deflated.size());
  return out.str() + deflated;
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

// The earliest model files list the words, and the trie is rebuilt from them; the next store the trie as its arrays:
// the same lexicon as today's compressed words.
TEST(Lexicon, ReadsTheEarlierForms) {
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
  std::stringstream uncompressed(stored_trie_form({{"南京", 10, 1}, {"南京市", 4, 0}, {"长江大桥", 3, 1}}, true));
  const Lexicon stored_uncompressed = Lexicon::load(uncompressed, "m", true);
  for (const Lexicon* loaded : {&rebuilt, &stored, &stored_uncompressed}) {
    ASSERT_EQ(loaded->size(), 3u);
    const std::vector<Lexicon::Match> matches = loaded->match(chars("南京市长江大桥"));
    ASSERT_EQ(matches.size(), 3u);
    EXPECT_EQ(loaded->word(matches[1].word), "南京市");
    EXPECT_EQ(loaded->frequency(matches[2].word), 3);
    EXPECT_EQ(loaded->parts_of_speech()[loaded->part_of_speech(matches[2].word)], "ns");
  }
}

// A stored trie whose indices point outside it is refused, whichever byte of its arrays is damaged; so are
// compressed words, whichever byte of the compressed stream or of the arrays inside it is damaged, wherever they end.
TEST(Lexicon, RefusesAStoredTrieThatPointsOutsideItself) {
  Lexicon lexicon;
  lexicon.add(chars("南京"), 10);
  lexicon.add(chars("南京市"), 4);
  std::stringstream compressed;
  lexicon.save(compressed, false);
  const std::string words = words_form(lexicon, false);
  const auto refused_when_damaged = [](const std::string& bytes, std::size_t from, const auto& damage) {
    std::size_t refused = 0;
    for (std::size_t at = from; at < bytes.size(); ++at) {
      std::stringstream in(damage(bytes, at));
      try {
        const Lexicon loaded = Lexicon::load(in, "m", false);
        loaded.match(chars("南京市南京"));  // whatever it holds, matching stays inside it
      } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("m: ", 0), 0u) << e.what();
        ++refused;
      }
    }
    return refused;
  };
  const auto flipped = [](std::string bytes, std::size_t at) {
    bytes[at] = static_cast<char>(bytes[at] ^ 0x40);
    return bytes;
  };
  const std::string trie = stored_trie_form({{"南京", 10, 0}, {"南京市", 4, 0}}, false);
  for (const std::string& bytes : {trie, compressed.str()}) {
    EXPECT_GT(refused_when_damaged(bytes, 4, flipped), bytes.size() / 4);
    EXPECT_EQ(refused_when_damaged(bytes, 0, [](const std::string& b, std::size_t end) { return b.substr(0, end); }), bytes.size());
  }
  const auto flipped_inside = [&](const std::string& bytes, std::size_t at) { return compressed_form(flipped(bytes, at)); };
  EXPECT_GT(refused_when_damaged(words, 0, flipped_inside), words.size() / 4);
  const auto cut_inside = [](const std::string& bytes, std::size_t end) { return compressed_form(bytes.substr(0, end)); };
  EXPECT_EQ(refused_when_damaged(words, 0, cut_inside), words.size());
  std::stringstream longer(compressed_form(words + "x"));
  EXPECT_THROW(Lexicon::load(longer, "m", false), Error);
  // One word twice: 南京 and 京南 (symbols 0 1 and 1 0), the second made 南京 too.
  Lexicon two;
  two.add(chars("南京"), 10);
  two.add(chars("京南"), 4);
  std::string repeated = words_form(two, false);
  const std::string symbols("\0\0\0\0\1\0\0\0\1\0\0\0\0\0\0\0", 16);
  ASSERT_NE(repeated.find(symbols), std::string::npos);
  repeated.replace(repeated.find(symbols), 16, std::string("\0\0\0\0\1\0\0\0\0\0\0\0\1\0\0\0", 16));
  std::stringstream twice_in(compressed_form(repeated));
  try {
    Lexicon::load(twice_in, "m", false);
    ADD_FAILURE() << "a word twice was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "m: damaged lexicon (word 1 twice)");
  }
  // Two parts of speech of the same name (tagging would look one of them up as none) are refused.
  Lexicon tagged;
  tagged.add(chars("南京"), 10, "ns");
  tagged.add(chars("北京"), 10, "nr");
  std::string twice = words_form(tagged, true);
  twice.replace(twice.find("nr"), 2, "ns");
  std::stringstream in(compressed_form(twice));
  try {
    Lexicon::load(in, "m", true);
    ADD_FAILURE() << "a part of speech twice was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "m: damaged lexicon (a part of speech twice)");
  }
}

// The words are stored compressed, in well under half their arrays' bytes, and the trie rebuilt from them matches
// as the one they were saved from; saving what was loaded gives the same bytes.
TEST(Lexicon, StoresItsWordsCompressed) {
  Lexicon lexicon;
  const std::vector<std::string> characters = chars("中国人民共和北京上海大学公司银行市场经济发展");
  for (std::size_t w = 0; w < 20000; ++w) {
    std::vector<std::string> word;
    for (std::size_t n = w; word.size() < 2 + w % 3; n /= characters.size()) word.push_back(characters[n % characters.size()]);
    lexicon.add(word, static_cast<double>(w % 1000));
  }
  lexicon.add(chars("中国"), 7);
  std::stringstream saved;
  lexicon.save(saved, false);
  const std::size_t size = saved.str().size(), uncompressed = words_form(lexicon, false).size();
  EXPECT_LT(2 * size, uncompressed) << size << " bytes compressed, " << uncompressed << " not";
  const Lexicon loaded = Lexicon::load(saved, "m", false);
  ASSERT_EQ(loaded.size(), lexicon.size());
  for (std::size_t w = 0; w < lexicon.size(); w += 997) {
    EXPECT_EQ(loaded.word(w), lexicon.word(w));
    EXPECT_EQ(loaded.frequency(w), lexicon.frequency(w));
  }
  const std::vector<std::string> text = chars("北京大学中国人民银行上海市场经济发展公司中国共和");
  const std::vector<Lexicon::Match> expected = lexicon.match(text), matched = loaded.match(text);
  ASSERT_EQ(matched.size(), expected.size());
  for (std::size_t m = 0; m < matched.size(); ++m)
    EXPECT_EQ(std::tie(matched[m].begin, matched[m].end, matched[m].word), std::tie(expected[m].begin, expected[m].end, expected[m].word));
  EXPECT_GT(matched.size(), 20u);
  std::stringstream again;
  loaded.save(again, false);
  EXPECT_EQ(again.str(), saved.str());
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
