#include "data/lexicon.h"

#include <libdeflate.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <sstream>

#include "data/binary_io.h"
#include "data/conll.h"
#include "data/error.h"
#include "data/text_file.h"
#include "data/tokenizer.h"

namespace data {

Lexicon Lexicon::read(const std::string& path, const NormalizeOptions& options) {
  std::string text = read_text_file(path, "utf-8");
  Lexicon lexicon;
  Tokenizer tokenizer;
  std::vector<std::string> keys;
  for_each_line(text, [&](std::string_view line, std::size_t line_number) {
    std::vector<std::string_view> columns = split_columns(line);
    if (columns.empty()) return;
    double frequency = 1;
    if (columns.size() >= 2) {
      std::string number(columns[1]);
      char* end = nullptr;
      frequency = std::strtod(number.c_str(), &end);
      if (end == number.c_str() || *end != '\0' || !(frequency >= 0))
        throw error_at(path, line_number, "expected 'word frequency', got frequency '" + number + "'");
    }
    std::string word(columns[0]);
    keys.clear();
    for (const Token& token : tokenizer.tokenize(word)) keys.push_back(normalize_key(token.text(word), options));
    try {
      lexicon.add(keys, frequency, columns.size() >= 3 ? std::string(columns[2]) : std::string());
    } catch (const Error& e) {
      throw error_at(path, line_number, e.what());
    }
  });
  if (lexicon.size() == 0) throw Error(path + ": no words (the dictionary is empty)");
  lexicon.release_spare_capacity();
  return lexicon;
}

int Lexicon::intern(const std::string& key) {
  auto [it, inserted] = symbols_.emplace(key, static_cast<int>(symbols_.size()));
  if (inserted) symbol_keys_.push_back(key);
  return it->second;
}

namespace {

std::uint64_t edge_key(int node, int symbol) {
  return ((static_cast<std::uint64_t>(node) << 32) | static_cast<std::uint32_t>(symbol)) + 1;
}

// The first slot to probe for `key` in a table of `slots` slots: the hash (Fibonacci) scaled to the table's size,
// which need not be a power of two.
std::size_t first_slot(std::uint64_t key, std::size_t slots) {
  const std::uint64_t hash = key * 0x9E3779B97F4A7C15ull;
  return static_cast<std::size_t>((static_cast<unsigned __int128>(hash) * slots) >> 64);
}

// The slot of `keys` holding `key`, or the empty slot where it would go (linear probing).
std::size_t find_slot(const std::vector<std::uint64_t>& keys, std::uint64_t key) {
  std::size_t i = first_slot(key, keys.size());
  while (keys[i] != 0 && keys[i] != key) i = i + 1 == keys.size() ? 0 : i + 1;
  return i;
}

}  // namespace

int Lexicon::child(int node, int symbol) const {
  const std::uint64_t key = edge_key(node, symbol);
  const std::size_t i = find_slot(edge_keys_, key);
  return edge_keys_[i] == key ? edge_children_[i] : -1;
}

void Lexicon::release_spare_capacity() {
  rehash(std::max<std::size_t>(1024, edge_count_ * 4 / 3 + 1));  // the table 3/4 full (it grows from 3/8 full)
  frequencies_.shrink_to_fit();
  word_part_of_speech_.shrink_to_fit();
  word_start_.shrink_to_fit();
  word_symbols_.shrink_to_fit();
  symbol_keys_.shrink_to_fit();
  node_word_.shrink_to_fit();
}

void Lexicon::rehash(std::size_t slots) {
  std::vector<std::uint64_t> keys(slots, 0);
  std::vector<int> children(slots, -1);
  for (std::size_t j = 0; j < edge_keys_.size(); ++j) {
    if (edge_keys_[j] == 0) continue;
    const std::size_t i = find_slot(keys, edge_keys_[j]);
    keys[i] = edge_keys_[j];
    children[i] = edge_children_[j];
  }
  edge_keys_ = std::move(keys);
  edge_children_ = std::move(children);
}

int Lexicon::add_child(int node, int symbol) {
  const std::uint64_t key = edge_key(node, symbol);
  std::size_t i = find_slot(edge_keys_, key);
  if (edge_keys_[i] == key) return edge_children_[i];
  if (4 * (edge_count_ + 1) > 3 * edge_keys_.size()) {
    rehash(2 * edge_keys_.size());
    i = find_slot(edge_keys_, key);
  }
  edge_keys_[i] = key;
  edge_children_[i] = static_cast<int>(node_word_.size());
  node_word_.push_back(-1);
  ++edge_count_;
  return edge_children_[i];
}

std::string Lexicon::word(std::size_t index) const {
  std::string joined;
  for (std::uint32_t s = word_start_[index]; s < word_start_[index + 1]; ++s)
    joined += symbol_keys_[static_cast<std::size_t>(word_symbols_[s])];
  return joined;
}

int Lexicon::symbol_of(const std::string& key) const {
  auto found = symbols_.find(key);
  return found == symbols_.end() ? -1 : found->second;
}

void Lexicon::add(const std::vector<std::string>& keys, double frequency, const std::string& part_of_speech) {
  if (keys.empty() || keys.size() > kMaxWordLength) return;
  // The part of speech first, so that a word this dictionary cannot hold leaves it as it was.
  if (part_of_speech.size() > kMaxPartOfSpeechBytes)
    throw Error("part of speech longer than " + std::to_string(kMaxPartOfSpeechBytes) + " bytes");
  auto known = std::find(parts_of_speech_.begin(), parts_of_speech_.end(), part_of_speech);
  if (known == parts_of_speech_.end()) {
    if (parts_of_speech_.size() == kMaxPartsOfSpeech)
      throw Error("more than " + std::to_string(kMaxPartsOfSpeech - 1) + " different parts of speech");
    known = parts_of_speech_.insert(known, part_of_speech);
  }
  int node = 0;
  const std::size_t first_symbol = word_symbols_.size();
  for (const std::string& key : keys) {
    const int symbol = intern(key);
    word_symbols_.push_back(symbol);
    node = add_child(node, symbol);
  }
  int& word = node_word_[static_cast<std::size_t>(node)];
  if (word >= 0) {
    word_symbols_.resize(first_symbol);  // known already
    frequencies_[static_cast<std::size_t>(word)] = std::max(frequencies_[static_cast<std::size_t>(word)], frequency);
    return;
  }
  word = static_cast<int>(frequencies_.size());
  frequencies_.push_back(frequency);
  word_part_of_speech_.push_back(static_cast<std::uint8_t>(known - parts_of_speech_.begin()));
  word_start_.push_back(static_cast<std::uint32_t>(word_symbols_.size()));
}

std::vector<Lexicon::Match> Lexicon::match(const std::vector<std::string>& keys) const {
  std::vector<int> symbols;
  symbols.reserve(keys.size());
  for (const std::string& key : keys) symbols.push_back(symbol_of(key));
  std::vector<Match> matches;
  for (std::size_t begin = 0; begin < keys.size(); ++begin) {
    int node = 0;
    for (std::size_t end = begin; end < keys.size() && end - begin < kMaxWordLength; ++end) {
      if (symbols[end] < 0) break;
      node = child(node, symbols[end]);
      if (node < 0) break;
      int word = node_word_[static_cast<std::size_t>(node)];
      if (word >= 0) matches.push_back({begin, end + 1, static_cast<std::size_t>(word)});
    }
  }
  return matches;
}

namespace {

template <typename T>
void write_array(std::ostream& out, const std::vector<T>& values) {
  write_pod<std::uint64_t>(out, values.size());
  out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(T)));
}

// At most `limit` values, read a million at a time, so that a damaged count fails at the data's end instead of
// asking for gigabytes first.
template <typename T>
std::vector<T> read_array(std::istream& in, std::uint64_t limit, const std::string& origin) {
  const auto count = read_pod<std::uint64_t>(in, origin);
  if (count > limit) throw Error(origin + ": damaged (lexicon array of " + std::to_string(count) + " values)");
  std::vector<T> values;
  for (std::size_t done = 0; done < count;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(count - done, 1u << 20));
    values.resize(done + n);
    read_bytes(in, values.data() + done, n * sizeof(T), origin);
    done += n;
  }
  return values;
}

constexpr std::uint64_t kMaxWords = 1u << 26;
constexpr std::uint64_t kMaxCompressedBytes = 1ull << 34;
constexpr int kCompressionLevel = 6;  // libdeflate's default

}  // namespace

// The words' arrays deflated (libdeflate, level kCompressionLevel): a u32 kCompressedWords, the u64 size of the
// arrays' bytes, then their DEFLATE stream as an array of bytes. The arrays: the symbols' keys, the parts of speech,
// the trie's node count, each word's length, the words' symbols, frequencies and parts of speech. The trie is not
// stored (its hash table's bytes would not compress): load rebuilds it from the symbols, integers only, in a table
// sized once by the node count.
void Lexicon::save(std::ostream& out, bool parts_of_speech) const {
  std::ostringstream words;
  save_keys(words, parts_of_speech);
  write_pod<std::uint64_t>(words, node_word_.size());
  std::vector<std::uint8_t> lengths(size());
  for (std::size_t w = 0; w < size(); ++w) lengths[w] = static_cast<std::uint8_t>(word_start_[w + 1] - word_start_[w]);
  write_array(words, lengths);
  write_array(words, word_symbols_);
  write_array(words, frequencies_);
  if (parts_of_speech) write_array(words, word_part_of_speech_);
  const std::string bytes = words.str();
  const std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> compressor(
      libdeflate_alloc_compressor(kCompressionLevel), &libdeflate_free_compressor);
  if (!compressor) throw std::bad_alloc();
  std::vector<std::uint8_t> deflated(libdeflate_deflate_compress_bound(compressor.get(), bytes.size()));
  deflated.resize(libdeflate_deflate_compress(compressor.get(), bytes.data(), bytes.size(), deflated.data(), deflated.size()));
  write_pod<std::uint32_t>(out, kCompressedWords);
  write_pod<std::uint64_t>(out, bytes.size());
  write_array(out, deflated);
}

void Lexicon::save_keys(std::ostream& out, bool parts_of_speech) const {
  write_pod<std::uint32_t>(out, static_cast<std::uint32_t>(symbol_keys_.size()));
  for (const std::string& key : symbol_keys_) write_string(out, key);
  if (parts_of_speech) {
    write_pod<std::uint32_t>(out, static_cast<std::uint32_t>(parts_of_speech_.size()));
    for (const std::string& part : parts_of_speech_) write_string(out, part);
  }
}

Lexicon Lexicon::load(std::istream& in, const std::string& origin, bool parts_of_speech) {
  const auto first = read_pod<std::uint32_t>(in, origin);
  if (first == kCompressedWords) return load_compressed(in, origin, parts_of_speech);
  if (first == kStoredTrie) return load_trie(in, origin, parts_of_speech);
  if (first > kMaxWords) throw Error(origin + ": damaged (lexicon of " + std::to_string(first) + " words)");
  return load_words(in, first, origin, parts_of_speech);
}

Lexicon Lexicon::load_compressed(std::istream& in, const std::string& origin, bool parts_of_speech) {
  const std::string damaged = origin + ": damaged lexicon (";
  const auto size = read_pod<std::uint64_t>(in, origin);
  const std::vector<std::uint8_t> deflated = read_array<std::uint8_t>(in, kMaxCompressedBytes, origin);
  // DEFLATE expands at most 1032-fold: a larger size is damage, not a reason to allocate
  if (size > 1032 * deflated.size() + 64) throw Error(damaged + "compressed words of " + std::to_string(size) + " bytes)");
  const std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> decompressor(
      libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
  if (!decompressor) throw std::bad_alloc();
  std::string bytes(size, '\0');
  // nullptr for the size decompressed: anything but exactly `size` bytes is an error
  if (libdeflate_deflate_decompress(decompressor.get(), deflated.data(), deflated.size(), bytes.data(), bytes.size(), nullptr) !=
      LIBDEFLATE_SUCCESS)
    throw Error(damaged + "its compressed words do not decompress)");
  ViewStream words(bytes);
  Lexicon lexicon;
  lexicon.load_keys(words, origin, parts_of_speech);
  const auto nodes = read_pod<std::uint64_t>(words, origin);
  const auto lengths = read_array<std::uint8_t>(words, kMaxWords, origin);
  auto symbols = read_array<int>(words, kMaxWords * kMaxWordLength, origin);
  auto frequencies = read_array<double>(words, kMaxWords, origin);
  auto word_parts = parts_of_speech ? read_array<std::uint8_t>(words, kMaxWords, origin) : std::vector<std::uint8_t>(lengths.size(), 0);
  if (words.peek() != std::char_traits<char>::eof()) throw Error(damaged + "bytes after its words)");
  if (frequencies.size() != lengths.size() || word_parts.size() != lengths.size()) throw Error(damaged + "arrays of different lengths)");
  // The trie, rebuilt as add() built it (the same nodes in the same order), in the table release_spare_capacity
  // leaves: 3/4 full.
  if (nodes == 0 || nodes > symbols.size() + 1) throw Error(damaged + std::to_string(nodes) + " nodes)");
  lexicon.rehash(std::max<std::size_t>(1024, (nodes - 1) * 4 / 3 + 1));
  lexicon.node_word_.reserve(nodes);
  lexicon.word_start_.reserve(lengths.size() + 1);
  std::size_t next = 0;
  for (std::size_t w = 0; w < lengths.size(); ++w) {
    if (!lexicon.stored_word_fits(lengths[w], word_parts[w], frequencies[w]) || next + lengths[w] > symbols.size())
      throw Error(damaged + "word " + std::to_string(w) + ")");
    int node = 0;
    for (const std::size_t end = next + lengths[w]; next < end; ++next) {
      const int symbol = symbols[next];
      if (symbol < 0 || static_cast<std::size_t>(symbol) >= lexicon.symbol_keys_.size()) throw Error(damaged + "a word's character)");
      node = lexicon.add_child(node, symbol);
    }
    int& word = lexicon.node_word_[static_cast<std::size_t>(node)];
    if (word >= 0) throw Error(damaged + "word " + std::to_string(w) + " twice)");
    word = static_cast<int>(w);
    lexicon.word_start_.push_back(static_cast<std::uint32_t>(next));
  }
  if (next != symbols.size()) throw Error(damaged + "word characters)");
  if (lexicon.node_word_.size() != nodes) throw Error(damaged + "a trie of " + std::to_string(lexicon.node_word_.size()) + " nodes, not " + std::to_string(nodes) + ")");
  lexicon.word_symbols_ = std::move(symbols);
  lexicon.frequencies_ = std::move(frequencies);
  lexicon.word_part_of_speech_ = std::move(word_parts);
  return lexicon;
}

bool Lexicon::stored_word_fits(std::size_t length, std::size_t part_of_speech, double frequency) const {
  return length > 0 && length <= kMaxWordLength && part_of_speech < parts_of_speech_.size() && frequency >= 0 &&
         std::isfinite(frequency);
}

// The symbols' keys and the parts of speech, as save_keys wrote them.
void Lexicon::load_keys(std::istream& in, const std::string& origin, bool parts_of_speech) {
  const std::string damaged = origin + ": damaged lexicon (";
  const auto symbols = read_pod<std::uint32_t>(in, origin);
  if (symbols > kMaxWords) throw Error(damaged + std::to_string(symbols) + " characters)");
  for (std::uint32_t s = 0; s < symbols; ++s) intern(read_string(in, origin, 64));
  if (symbol_keys_.size() != symbols) throw Error(damaged + "a character twice)");
  if (parts_of_speech) {
    const auto parts = read_pod<std::uint32_t>(in, origin);
    if (parts == 0 || parts > kMaxPartsOfSpeech) throw Error(damaged + std::to_string(parts) + " parts of speech)");
    parts_of_speech_.clear();
    for (std::uint32_t p = 0; p < parts; ++p) parts_of_speech_.push_back(read_string(in, origin, kMaxPartOfSpeechBytes));
    if (!parts_of_speech_[0].empty()) throw Error(damaged + "part of speech 0 is not the empty one)");
    std::vector<std::string> sorted = parts_of_speech_;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) throw Error(damaged + "a part of speech twice)");
  }
}

Lexicon Lexicon::load_trie(std::istream& in, const std::string& origin, bool parts_of_speech) {
  const std::string damaged = origin + ": damaged lexicon (";
  Lexicon lexicon;
  lexicon.load_keys(in, origin, parts_of_speech);
  const std::size_t symbols = lexicon.symbol_keys_.size();
  lexicon.word_start_ = read_array<std::uint32_t>(in, kMaxWords + 1, origin);
  lexicon.word_symbols_ = read_array<int>(in, kMaxWords * kMaxWordLength, origin);
  lexicon.frequencies_ = read_array<double>(in, kMaxWords, origin);
  const std::size_t words = lexicon.frequencies_.size();
  if (parts_of_speech) lexicon.word_part_of_speech_ = read_array<std::uint8_t>(in, kMaxWords, origin);
  else lexicon.word_part_of_speech_.assign(words, 0);
  lexicon.node_word_ = read_array<int>(in, kMaxWords * kMaxWordLength + 1, origin);
  lexicon.edge_keys_ = read_array<std::uint64_t>(in, 2 * kMaxWords * kMaxWordLength, origin);
  lexicon.edge_children_ = read_array<int>(in, 2 * kMaxWords * kMaxWordLength, origin);
  // What match() and word() index with must be in range: words' symbols, the nodes' words, the edges' children.
  const auto& start = lexicon.word_start_;
  if (start.size() != words + 1 || start[0] != 0 || lexicon.word_part_of_speech_.size() != words)
    throw Error(damaged + "arrays of different lengths)");
  for (std::size_t w = 0; w < words; ++w)
    if (start[w + 1] <= start[w] ||
        !lexicon.stored_word_fits(start[w + 1] - start[w], lexicon.word_part_of_speech_[w], lexicon.frequencies_[w]))
      throw Error(damaged + "word " + std::to_string(w) + ")");
  if (lexicon.word_symbols_.size() != start[words]) throw Error(damaged + "word characters)");
  for (int s : lexicon.word_symbols_)
    if (s < 0 || static_cast<std::uint32_t>(s) >= symbols) throw Error(damaged + "a word's character)");
  const std::size_t nodes = lexicon.node_word_.size();
  if (nodes == 0) throw Error(damaged + "no trie)");
  for (int w : lexicon.node_word_)
    if (w < -1 || w >= static_cast<int>(words)) throw Error(damaged + "a node's word)");
  const auto& keys = lexicon.edge_keys_;
  if (keys.size() != lexicon.edge_children_.size() || keys.empty()) throw Error(damaged + "edge table)");
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == 0) continue;
    const std::uint64_t node = (keys[i] - 1) >> 32, symbol = (keys[i] - 1) & 0xffffffffu;
    const int child = lexicon.edge_children_[i];
    if (node >= nodes || symbol >= symbols || child <= 0 || static_cast<std::size_t>(child) >= nodes)
      throw Error(damaged + "edge " + std::to_string(i) + ")");
    ++lexicon.edge_count_;
  }
  // at most 3/4 full, as in memory: probing needs empty slots to stop soon
  if (4 * lexicon.edge_count_ > 3 * keys.size()) throw Error(damaged + "an overfull edge table)");
  return lexicon;
}

Lexicon Lexicon::load_words(std::istream& in, std::uint32_t count, const std::string& origin, bool parts_of_speech) {
  Lexicon lexicon;
  std::vector<std::string> keys;
  for (std::uint32_t w = 0; w < count; ++w) {
    auto length = read_pod<std::uint8_t>(in, origin);
    if (length == 0 || length > kMaxWordLength) throw Error(origin + ": damaged (lexicon word length)");
    keys.clear();
    for (std::uint8_t k = 0; k < length; ++k) keys.push_back(read_string(in, origin, 64));
    const auto frequency = read_pod<double>(in, origin);
    const std::string part_of_speech = parts_of_speech ? read_string(in, origin, kMaxPartOfSpeechBytes) : std::string();
    try {
      lexicon.add(keys, frequency, part_of_speech);
    } catch (const Error& e) {
      throw Error(origin + ": damaged lexicon (" + e.what() + ")");
    }
  }
  if (lexicon.size() != count) throw Error(origin + ": damaged (duplicate lexicon words)");
  lexicon.release_spare_capacity();
  return lexicon;
}

}  // namespace data
