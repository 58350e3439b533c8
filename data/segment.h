// Splits a long line of raw text into sentences for tagging: ICU sentence breaks, then a cap on tokens: an over-long
// sentence is cut after clause punctuation in the second half of the cap, or else tagged in windows of the cap that
// overlap by a fifth of it (the tagger merges them where no entity crosses).
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "data/tokenizer.h"

struct UBreakIterator;

namespace data {

inline constexpr std::size_t kDefaultMaxSentenceTokens = 250;

// Tokens [begin, end) of one sentence or window.
struct TokenRange {
  std::size_t begin, end;
  bool operator==(const TokenRange& other) const { return begin == other.begin && end == other.end; }
};

// Reusable: owns one ICU break iterator, so use one Segmenter per thread.
class Segmenter {
 public:
  Segmenter();
  ~Segmenter();
  Segmenter(const Segmenter&) = delete;
  Segmenter& operator=(const Segmenter&) = delete;

  // Sentences of `text` as ranges of `tokens` (from Tokenizer::tokenize(text)); together they cover every token in
  // order, none is empty and none is longer than max_tokens. A range begins where the one before ends, except
  // windows: a range may begin window_overlap(max_tokens) tokens before the end of the one before, which then has
  // max_tokens tokens.
  std::vector<TokenRange> split(std::string_view text, const std::vector<Token>& tokens, std::size_t max_tokens);

 private:
  struct Closer {
    void operator()(UBreakIterator* iterator) const;
  };
  std::unique_ptr<UBreakIterator, Closer> sentences_;
};

// Tokens two consecutive windows of `max_tokens` share: a fifth of them.
inline std::size_t window_overlap(std::size_t max_tokens) { return max_tokens / 5; }

// True for clause punctuation where a capped sentence may be cut (，、；：,;: and sentence ends).
bool is_clause_break(std::string_view grapheme);

}  // namespace data
