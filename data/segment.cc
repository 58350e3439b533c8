#include "data/segment.h"

#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include <array>
#include <cassert>
#include <stdexcept>
#include <string>

namespace data {

void Segmenter::Closer::operator()(UBreakIterator* iterator) const { ubrk_close(iterator); }

Segmenter::Segmenter() {
  UErrorCode status = U_ZERO_ERROR;
  sentences_.reset(ubrk_open(UBRK_SENTENCE, "zh", nullptr, 0, &status));
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU sentence break iterator: ") + u_errorName(status));
}

Segmenter::~Segmenter() = default;

bool is_clause_break(std::string_view grapheme) {
  static constexpr std::array<std::string_view, 16> kBreaks = {"，", "、", "；", "：", ",", ";", ":", "。",
                                                              "！", "？", "!", "?", "…", "．", "）", ")"};
  for (std::string_view mark : kBreaks)
    if (grapheme == mark) return true;
  return false;
}

std::vector<TokenRange> Segmenter::split(std::string_view text, const std::vector<Token>& tokens, std::size_t max_tokens) {
  assert(max_tokens > 0);
  std::vector<TokenRange> ranges;
  if (tokens.empty()) return ranges;

  // ICU sentence boundaries (byte offsets), turned into token ranges: a token belongs to the sentence its first byte
  // is in.
  std::vector<TokenRange> sentences;
  UErrorCode status = U_ZERO_ERROR;
  UText utext = UTEXT_INITIALIZER;
  utext_openUTF8(&utext, text.data(), static_cast<int64_t>(text.size()), &status);
  ubrk_setUText(sentences_.get(), &utext, &status);
  if (U_FAILURE(status)) {
    utext_close(&utext);
    throw std::runtime_error(std::string("ICU sentence break iterator: ") + u_errorName(status));
  }
  std::size_t token = 0;
  for (int32_t boundary = ubrk_next(sentences_.get()); boundary != UBRK_DONE && token < tokens.size();
       boundary = ubrk_next(sentences_.get())) {
    std::size_t begin = token;
    while (token < tokens.size() && tokens[token].byte_begin < static_cast<std::size_t>(boundary)) ++token;
    if (token > begin) sentences.push_back({begin, token});
  }
  utext_close(&utext);
  if (token < tokens.size()) sentences.push_back({token, tokens.size()});

  // The cap: cut an over-long sentence after the last clause break in the second half of the cap; without one, a
  // window of the cap, the next beginning window_overlap(cap) tokens before its end.
  for (TokenRange sentence : sentences) {
    std::size_t begin = sentence.begin;
    while (sentence.end - begin > max_tokens) {
      std::size_t cut = 0;
      for (std::size_t i = begin + max_tokens; i > begin + max_tokens / 2 && cut == 0; --i)
        if (is_clause_break(tokens[i - 1].text(text))) cut = i;
      if (cut != 0) {
        ranges.push_back({begin, cut});
        begin = cut;
      } else {
        ranges.push_back({begin, begin + max_tokens});
        begin += max_tokens - window_overlap(max_tokens);
      }
    }
    ranges.push_back({begin, sentence.end});
  }
  return ranges;
}

}  // namespace data
