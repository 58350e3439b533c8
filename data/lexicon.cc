#include "data/lexicon.h"

#include <cstdlib>

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
    lexicon.add(keys, frequency);
  });
  if (lexicon.size() == 0) throw Error(path + ": no words (the dictionary is empty)");
  return lexicon;
}

int Lexicon::intern(const std::string& key) {
  auto [it, inserted] = symbols_.emplace(key, static_cast<int>(symbols_.size()));
  return it->second;
}

int Lexicon::symbol_of(const std::string& key) const {
  auto found = symbols_.find(key);
  return found == symbols_.end() ? -1 : found->second;
}

void Lexicon::add(const std::vector<std::string>& keys, double frequency) {
  if (keys.empty() || keys.size() > kMaxWordLength) return;
  int node = 0;
  for (const std::string& key : keys) {
    std::uint64_t edge = (static_cast<std::uint64_t>(node) << 32) | static_cast<std::uint32_t>(intern(key));
    auto found = edges_.find(edge);
    if (found == edges_.end()) {
      found = edges_.emplace(edge, static_cast<int>(node_word_.size())).first;
      node_word_.push_back(-1);
    }
    node = found->second;
  }
  int& word = node_word_[static_cast<std::size_t>(node)];
  if (word >= 0) {
    frequencies_[static_cast<std::size_t>(word)] = std::max(frequencies_[static_cast<std::size_t>(word)], frequency);
    return;
  }
  word = static_cast<int>(words_.size());
  std::string joined;
  for (const std::string& key : keys) joined += key;
  words_.push_back(joined);
  frequencies_.push_back(frequency);
  word_keys_.push_back(keys);
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
      auto found = edges_.find((static_cast<std::uint64_t>(node) << 32) | static_cast<std::uint32_t>(symbols[end]));
      if (found == edges_.end()) break;
      node = found->second;
      int word = node_word_[static_cast<std::size_t>(node)];
      if (word >= 0) matches.push_back({begin, end + 1, static_cast<std::size_t>(word)});
    }
  }
  return matches;
}

void Lexicon::save(std::ostream& out) const {
  write_pod<std::uint32_t>(out, static_cast<std::uint32_t>(words_.size()));
  for (std::size_t w = 0; w < words_.size(); ++w) {
    write_pod<std::uint8_t>(out, static_cast<std::uint8_t>(word_keys_[w].size()));
    for (const std::string& key : word_keys_[w]) write_string(out, key);
    write_pod<double>(out, frequencies_[w]);
  }
}

Lexicon Lexicon::load(std::istream& in, const std::string& origin) {
  Lexicon lexicon;
  auto count = read_pod<std::uint32_t>(in, origin);
  if (count > (1u << 26)) throw Error(origin + ": damaged (lexicon of " + std::to_string(count) + " words)");
  std::vector<std::string> keys;
  for (std::uint32_t w = 0; w < count; ++w) {
    auto length = read_pod<std::uint8_t>(in, origin);
    if (length == 0 || length > kMaxWordLength) throw Error(origin + ": damaged (lexicon word length)");
    keys.clear();
    for (std::uint8_t k = 0; k < length; ++k) keys.push_back(read_string(in, origin, 64));
    lexicon.add(keys, read_pod<double>(in, origin));
  }
  if (lexicon.size() != count) throw Error(origin + ": damaged (duplicate lexicon words)");
  return lexicon;
}

}  // namespace data
