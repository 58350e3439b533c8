// Splits a long line of raw text into sentences for tagging: ICU sentence breaks, then a hard cap on tokens that
// splits at the best remaining break (clause punctuation in the second half of the window, else at the cap).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "data/tokenizer.h"

struct UBreakIterator;

namespace data {

inline constexpr std::size_t kDefaultMaxSentenceTokens = 250;

// Tokens [begin, end) of one sentence.
struct TokenRange {
  std::size_t begin, end;
  bool operator==(const TokenRange& other) const { return begin == other.begin && end == other.end; }
};

// Reusable: owns one ICU break iterator, so use one Segmenter per thread.
class Segmenter {
 public:
  explicit Segmenter(std::size_t max_tokens = kDefaultMaxSentenceTokens);
  ~Segmenter();
  Segmenter(const Segmenter&) = delete;
  Segmenter& operator=(const Segmenter&) = delete;

  // Sentences of `text` as ranges of `tokens` (from Tokenizer::tokenize(text)); together they cover every token in
  // order, none is empty and none is longer than max_tokens.
  std::vector<TokenRange> split(std::string_view text, const std::vector<Token>& tokens);

 private:
  struct Closer {
    void operator()(UBreakIterator* iterator) const;
  };
  std::size_t max_tokens_;
  std::unique_ptr<UBreakIterator, Closer> sentences_;
};

// True for clause punctuation where a capped sentence may be cut (，、；：,;: and sentence ends).
bool is_clause_break(std::string_view grapheme);

}  // namespace data
