// Raw text to tokens: one token per extended grapheme cluster (ICU character break iterator), whitespace dropped,
// every token carrying its offsets into the original text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

struct UBreakIterator;

namespace data {

// 32-bit offsets keep a long line's tokens small (16 bytes each); ICU's break positions are 32-bit anyway.
struct Token {
  std::uint32_t byte_begin, byte_end;  // [begin, end) in bytes of the original UTF-8 text
  std::uint32_t cp_begin, cp_end;      // [begin, end) in code points of the original text

  std::string_view text(std::string_view source) const { return source.substr(byte_begin, byte_end - byte_begin); }
};

// Reusable: owns one ICU break iterator, so use one Tokenizer per thread.
class Tokenizer {
 public:
  Tokenizer();
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // Tokens of valid UTF-8 `text` (check_utf8 first), in order; whitespace graphemes are skipped.
  std::vector<Token> tokenize(std::string_view text);

 private:
  struct Closer {
    void operator()(UBreakIterator* iterator) const;
  };
  std::unique_ptr<UBreakIterator, Closer> graphemes_;
};

// True for a grapheme that is white space (ASCII space, tab, U+3000 ideographic space, ...).
bool is_whitespace_grapheme(std::string_view grapheme);

// True for a letter of the Latin script or a decimal digit (A–Z, é, Ａ, 0–9, ０): a grapheme of a Latin word, inside
// which no entity starts or ends.
bool is_latin_word_grapheme(std::string_view grapheme);

// Per token of `text`: 1 when it and the next token are Latin-word graphemes with nothing between them (one word).
std::vector<char> joined_latin_words(std::string_view text, const std::vector<Token>& tokens);

}  // namespace data
