#include "data/tokenizer.h"

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <utf8proc.h>

#include <stdexcept>

#include "data/utf8.h"

namespace data {

void Tokenizer::Closer::operator()(UBreakIterator* iterator) const { ubrk_close(iterator); }

Tokenizer::Tokenizer() {
  UErrorCode status = U_ZERO_ERROR;
  graphemes_.reset(ubrk_open(UBRK_CHARACTER, "", nullptr, 0, &status));
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU character break iterator: ") + u_errorName(status));
}

Tokenizer::~Tokenizer() = default;

bool is_whitespace_grapheme(std::string_view grapheme) {
  utf8proc_int32_t code_point;
  utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(grapheme.data()),
                   static_cast<utf8proc_ssize_t>(grapheme.size()), &code_point);
  return code_point >= 0 && u_isUWhiteSpace(code_point);
}

bool is_latin_word_grapheme(std::string_view grapheme) {
  utf8proc_int32_t code_point;
  utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(grapheme.data()),
                   static_cast<utf8proc_ssize_t>(grapheme.size()), &code_point);
  if (code_point < 0) return false;
  UErrorCode status = U_ZERO_ERROR;
  return u_isdigit(code_point) || (u_isalpha(code_point) && uscript_getScript(code_point, &status) == USCRIPT_LATIN);
}

std::vector<char> joined_latin_words(std::string_view text, const std::vector<Token>& tokens) {
  std::vector<char> joined(tokens.size(), 0);
  bool word = !tokens.empty() && is_latin_word_grapheme(tokens[0].text(text));
  for (std::size_t t = 0; t + 1 < tokens.size(); ++t) {
    const bool next_word = is_latin_word_grapheme(tokens[t + 1].text(text));
    joined[t] = word && next_word && tokens[t].byte_end == tokens[t + 1].byte_begin;
    word = next_word;
  }
  return joined;
}

std::vector<Token> Tokenizer::tokenize(std::string_view text) {
  std::vector<Token> tokens;
  if (text.empty()) return tokens;
  // ICU's break positions are 32-bit.
  if (text.size() > static_cast<std::size_t>(INT32_MAX))
    throw std::runtime_error("a line of " + std::to_string(text.size()) + " bytes: the tokenizer takes lines under 2 GiB");
  UErrorCode status = U_ZERO_ERROR;
  UText utext = UTEXT_INITIALIZER;
  utext_openUTF8(&utext, text.data(), static_cast<int64_t>(text.size()), &status);
  ubrk_setUText(graphemes_.get(), &utext, &status);
  if (U_FAILURE(status)) {
    utext_close(&utext);
    throw std::runtime_error(std::string("ICU break iterator: ") + u_errorName(status));
  }
  tokens.reserve(text.size() / 3 + 1);
  // On UTF-8 text the break positions are byte offsets; code points are counted along the way.
  std::size_t begin = static_cast<std::size_t>(ubrk_first(graphemes_.get()));
  std::size_t cp = 0;
  for (int32_t next = ubrk_next(graphemes_.get()); next != UBRK_DONE; next = ubrk_next(graphemes_.get())) {
    std::size_t end = static_cast<std::size_t>(next);
    std::string_view grapheme = text.substr(begin, end - begin);
    std::size_t cp_end = cp + count_code_points(grapheme);
    if (!is_whitespace_grapheme(grapheme))
      tokens.push_back(Token{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), static_cast<std::uint32_t>(cp),
                             static_cast<std::uint32_t>(cp_end)});
    begin = end;
    cp = cp_end;
  }
  utext_close(&utext);
  return tokens;
}

}  // namespace data
