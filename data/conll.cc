#include "data/conll.h"

#include "data/error.h"
#include "data/text_file.h"

namespace data {

std::vector<std::string_view> split_columns(std::string_view line) {
  std::vector<std::string_view> columns;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    std::size_t begin = pos;
    while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t') ++pos;
    if (pos > begin) columns.push_back(line.substr(begin, pos - begin));
  }
  return columns;
}

std::vector<Sentence> parse_conll(std::string_view text, const std::string& origin, Repairs* repairs) {
  std::vector<Sentence> sentences;
  Sentence current;
  auto finish_sentence = [&] {
    if (!current.tokens.empty()) sentences.push_back(std::move(current));
    current = Sentence{};
  };
  for_each_line(text, [&](std::string_view line, std::size_t line_number) {
    line = without_byte_order_mark(line, origin, line_number, repairs);
    std::vector<std::string_view> columns = split_columns(line);
    if (columns.empty() || columns[0] == "-DOCSTART-") {
      finish_sentence();
      return;
    }
    if (columns.size() < 2)
      throw error_at(origin, line_number, "expected at least 2 columns (token and tag), got 1");
    std::string_view tag = columns.back();
    if (!is_valid_tag(tag))
      throw error_at(origin, line_number, "malformed tag '" + std::string(tag) + "' (expected O or B-/I-/M-/E-/S-TYPE)");
    if (current.tokens.empty()) current.line = line_number;
    current.tokens.emplace_back(columns[0]);
    current.tags.emplace_back(tag);
  });
  finish_sentence();
  return sentences;
}

std::string format_conll(const std::vector<Sentence>& sentences, char separator) {
  std::string out;
  for (const Sentence& sentence : sentences) {
    for (std::size_t i = 0; i < sentence.tokens.size(); ++i) {
      out += sentence.tokens[i];
      out += separator;
      out += sentence.tags[i];
      out += '\n';
    }
    out += '\n';
  }
  return out;
}

}  // namespace data
