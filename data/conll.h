// CoNLL columns: `token<SPACE or TAB>...<tag>` per line (the tag is the last column), a blank line between
// sentences, CRLF tolerated, `-DOCSTART-` lines skipped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "data/corpus.h"

namespace data {

// Parses valid UTF-8 text; a line with fewer than 2 columns or a malformed tag is a data::Error with origin:line.
std::vector<Sentence> parse_conll(std::string_view text, const std::string& origin);

// `token<separator>tag` lines, a blank line after each sentence.
std::string format_conll(const std::vector<Sentence>& sentences, char separator = ' ');

// Splits a line into its space- or tab-separated columns.
std::vector<std::string_view> split_columns(std::string_view line);

}  // namespace data
