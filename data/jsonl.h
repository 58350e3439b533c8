// JSON lines with entity spans, one sentence per line. Two layouts are read:
//   ours:    {"text": "...", "entities": [{"start": s, "end": e, "type": "T"}, ...]}   (end exclusive)
//   CLUENER: {"text": "...", "label": {"T": {"MENTION": [[s, e_inclusive], ...]}}}
// Offsets count code points. Text is tokenized into graphemes (whitespace dropped); spans become tags in a scheme.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "data/corpus.h"
#include "data/tag_scheme.h"

namespace data {

// Parses valid UTF-8 text; invalid JSON, a missing "text", a span that does not match its mention and out-of-range
// offsets are data::Errors with origin:line. Overlapping spans (nested, crossing, or the same span twice) are
// resolved and counted in `repairs`: spans are kept longest first, then the one starting earlier, then the type
// first in byte order, and a span overlapping one kept is dropped, so of nested spans the outermost stays. A U+FEFF
// starting a line is removed and counted. With no `repairs` (strict) both are errors.
std::vector<Sentence> parse_jsonl(std::string_view text, const std::string& origin, Scheme scheme,
                                  Repairs* repairs = nullptr);

// Our layout, one line per sentence: the text is the tokens joined, the entities their chunks.
std::string format_jsonl(const std::vector<Sentence>& sentences);

}  // namespace data
