// A word dictionary with frequencies and parts of speech (jieba's dict.txt form: `word frequency [part-of-speech]`
// per line) and fast matching of every dictionary word in a sentence: a trie over character keys, walked from each
// position.
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
  static constexpr std::size_t kMaxPartsOfSpeech = 256, kMaxPartOfSpeechBytes = 64;  // "" (none) counts as one

  // Reads a dictionary file; a malformed line is a data::Error with file:line. Words are split into graphemes
  // and stored by their lookup keys under `options`.
  static Lexicon read(const std::string& path, const NormalizeOptions& options);

  // Adds a word given as character keys (ignored when empty or too long; a repeated word keeps the larger frequency
  // and its first part of speech). `part_of_speech` is "" when the dictionary gives none; one longer than
  // kMaxPartOfSpeechBytes, or beyond the first kMaxPartsOfSpeech, is a data::Error.
  void add(const std::vector<std::string>& keys, double frequency, const std::string& part_of_speech = "");

  std::size_t size() const { return frequencies_.size(); }
  std::string word(std::size_t index) const;  // keys joined
  double frequency(std::size_t index) const { return frequencies_[index]; }
  // The parts of speech the dictionary uses; index 0 is "" (none given).
  const std::vector<std::string>& parts_of_speech() const { return parts_of_speech_; }
  std::size_t part_of_speech(std::size_t index) const { return word_part_of_speech_[index]; }  // into parts_of_speech()

  // Every dictionary word in `keys`: (begin, end exclusive, word index), by begin then end.
  struct Match {
    std::size_t begin, end, word;
  };
  std::vector<Match> match(const std::vector<std::string>& keys) const;

  // The lexicon's words, compressed: a u32 kCompressedWords, then a DEFLATE stream of the symbols' keys, the parts
  // of speech and the words' arrays below; load rebuilds the trie from the words' symbols. With `parts_of_speech`
  // false, they are neither written nor read (the format of models without them). load also reads the earlier
  // forms: the trie as it was in memory, uncompressed (a u32 kStoredTrie, the keys, then each array below as a u64
  // count and its values), and the list of words (a u32 count, then each word's keys, frequency and part of speech).
  // What it reads is checked, so that a damaged file cannot make match() read out of bounds.
  void save(std::ostream& out, bool parts_of_speech) const;
  static Lexicon load(std::istream& in, const std::string& origin, bool parts_of_speech);
  static constexpr std::uint32_t kStoredTrie = 0xffffffff;      // never a word count (the earliest form's first field)
  static constexpr std::uint32_t kCompressedWords = 0xfffffffe;  // nor this

 private:
  static Lexicon load_words(std::istream& in, std::uint32_t count, const std::string& origin, bool parts_of_speech);
  static Lexicon load_trie(std::istream& in, const std::string& origin, bool parts_of_speech);
  static Lexicon load_compressed(std::istream& in, const std::string& origin, bool parts_of_speech);
  void save_keys(std::ostream& out, bool parts_of_speech) const;  // the symbols' keys and the parts of speech
  void load_keys(std::istream& in, const std::string& origin, bool parts_of_speech);
  // Whether a word read from a file has a length, part of speech and frequency this lexicon can hold.
  bool stored_word_fits(std::size_t length, std::size_t part_of_speech, double frequency) const;
  int symbol_of(const std::string& key) const;  // -1 when no word has this character
  int intern(const std::string& key);
  void release_spare_capacity();  // after the last add: the vectors' growth room (up to half of them)
  void rehash(std::size_t slots);         // the edge table with this many slots
  int child(int node, int symbol) const;  // -1 when the trie has no such edge
  int add_child(int node, int symbol);    // the child, made when new

  // A word is its symbols (350,000 words take 4 MB so, where strings took 50): word w is
  // word_symbols_[word_start_[w] .. word_start_[w + 1]).
  std::vector<double> frequencies_;                   // word -> frequency
  std::vector<std::uint8_t> word_part_of_speech_;     // word -> index into parts_of_speech_
  std::vector<std::string> parts_of_speech_ = {""};
  std::vector<std::uint32_t> word_start_ = {0};
  std::vector<int> word_symbols_;
  std::vector<std::string> symbol_keys_;              // symbol -> character key
  std::unordered_map<std::string, int> symbols_;      // character key -> symbol
  // The trie's edges in one open-addressing table (linear probing, at most 3/4 full; 12 bytes a slot where a hash
  // map spent about 40 bytes an edge): slot i maps edge_keys_[i] − 1 = node << 32 | symbol to edge_children_[i].
  std::vector<std::uint64_t> edge_keys_ = std::vector<std::uint64_t>(1024, 0);  // 0: empty
  std::vector<int> edge_children_ = std::vector<int>(1024, -1);
  std::size_t edge_count_ = 0;
  std::vector<int> node_word_ = {-1};                 // node -> word index, -1 when no word ends there
};

}  // namespace data
