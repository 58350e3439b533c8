// Fuzz target: the CoNLL reader on arbitrary bytes, checked for UTF-8 first as read_corpus does. A data::Error is
// the expected answer to bad input; anything else (a crash, a sanitizer report, another exception) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "data/conll.h"
#include "data/error.h"
#include "data/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(bytes), size);
  try {
    data::check_utf8(text, "fuzz", 1);
    data::Repairs repairs;  // repaired, as read_corpus does by default
    for (const data::Sentence& sentence : data::parse_conll(text, "fuzz", &repairs))
      if (sentence.tokens.size() != sentence.tags.size() || sentence.tokens.empty()) __builtin_trap();
  } catch (const data::Error&) {
  }
  return 0;
}
