// A word dictionary with frequencies (jieba's dict.txt form: `word frequency [part-of-speech]` per line) and fast
// matching of every dictionary word in a sentence: a trie over character keys, walked from each position.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "data/normalize.h"

namespace data {

class Lexicon {
 public:
  static constexpr std::size_t kMaxWordLength = 16;  // characters; longer words are skipped

  // Reads a dictionary file; a malformed line is a data::Error with file:line. Words are split into graphemes
  // and stored by their lookup keys under `options`.
  static Lexicon read(const std::string& path, const NormalizeOptions& options);

  // Adds a word given as character keys (ignored when empty or too long; a repeated word keeps the larger frequency).
  void add(const std::vector<std::string>& keys, double frequency);

  std::size_t size() const { return words_.size(); }
  const std::string& word(std::size_t index) const { return words_[index]; }  // keys joined
  double frequency(std::size_t index) const { return frequencies_[index]; }

  // Every dictionary word in `keys`: (begin, end exclusive, word index), by begin then end.
  struct Match {
    std::size_t begin, end, word;
  };
  std::vector<Match> match(const std::vector<std::string>& keys) const;

  void save(std::ostream& out) const;
  static Lexicon load(std::istream& in, const std::string& origin);

 private:
  int symbol_of(const std::string& key) const;  // -1 when no word has this character
  int intern(const std::string& key);

  std::vector<std::string> words_;
  std::vector<double> frequencies_;
  std::vector<std::vector<std::string>> word_keys_;  // for save()
  std::unordered_map<std::string, int> symbols_;      // character key -> symbol
  std::unordered_map<std::uint64_t, int> edges_;      // (node << 32 | symbol) -> child node
  std::vector<int> node_word_ = {-1};                 // node -> word index, -1 when no word ends there
};

}  // namespace data
