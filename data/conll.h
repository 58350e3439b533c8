// CoNLL columns: `token<SPACE or TAB>...<tag>` per line (the tag is the last column), a blank line between
// sentences, CRLF tolerated, `-DOCSTART-` lines skipped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "data/corpus.h"

namespace data {

// Parses valid UTF-8 text; a line with fewer than 2 columns or a malformed tag is a data::Error with origin:line.
// A U+FEFF starting a line (files joined end to start) is removed and counted in `repairs`; with none (strict) it
// is an error. A line of only spaces and tabs ends a sentence, as an empty one does.
std::vector<Sentence> parse_conll(std::string_view text, const std::string& origin, Repairs* repairs = nullptr);

// `token<separator>tag` lines, a blank line after each sentence.
std::string format_conll(const std::vector<Sentence>& sentences, char separator = ' ');

// Splits a line into its space- or tab-separated columns.
std::vector<std::string_view> split_columns(std::string_view line);

}  // namespace data
