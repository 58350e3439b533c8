// Fuzz target: UTF-8 validation and decoding, then the tokenizer, on arbitrary bytes. Traps when an invariant breaks:
// the decoder and the counter disagree, or a token's offsets fall outside the text or out of order.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data/tokenizer.h"
#include "data/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(bytes), size);
  if (data::find_invalid_utf8(text) != std::string_view::npos) return 0;
  const std::size_t code_points = data::count_code_points(text);
  if (data::decode_utf8(text).size() != code_points) __builtin_trap();
  static data::Tokenizer tokenizer;
  std::size_t byte_end = 0, cp_end = 0;
  for (const data::Token& token : tokenizer.tokenize(text)) {
    if (token.byte_begin < byte_end || token.byte_end <= token.byte_begin || token.byte_end > size) __builtin_trap();
    if (token.cp_begin < cp_end || token.cp_end <= token.cp_begin || token.cp_end > code_points) __builtin_trap();
    if (data::count_code_points(token.text(text)) != token.cp_end - token.cp_begin) __builtin_trap();
    byte_end = token.byte_end;
    cp_end = token.cp_end;
  }
  return 0;
}
