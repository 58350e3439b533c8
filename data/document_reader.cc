#include "data/document_reader.h"

#include <nlohmann/json.hpp>

#include "data/conll.h"
#include "data/error.h"
#include "data/tag_scheme.h"

namespace data {
namespace {

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t") == std::string::npos; }

// `token ... TAG`: at least two columns, the last a tag.
bool is_conll_line(const std::string& line) {
  const std::vector<std::string_view> columns = split_columns(line);
  return columns.size() >= 2 && is_valid_tag(columns.back());
}

// The string "text" of a JSON object line, if it is one.
bool json_text(const std::string& line, std::string& text) {
  if (line.find_first_not_of(" \t") == std::string::npos || line[line.find_first_not_of(" \t")] != '{') return false;
  const nlohmann::json record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object() || !record.contains("text") || !record["text"].is_string()) return false;
  text = record["text"].get<std::string>();
  return true;
}

}  // namespace

const std::vector<std::string>& input_format_names() {
  static const std::vector<std::string> names = {"auto", "text", "conll", "jsonl"};
  return names;
}

InputFormat parse_input_format(const std::string& name) {
  const std::vector<std::string>& names = input_format_names();
  for (std::size_t k = 0; k < names.size(); ++k)
    if (names[k] == name) return static_cast<InputFormat>(k);
  throw Error("unknown input format '" + name + "' (expected auto, text, conll or jsonl)");
}

std::string input_format_name(InputFormat format) { return input_format_names()[static_cast<std::size_t>(format)]; }

DocumentReader::DocumentReader(const std::string& path, const std::string& encoding, InputFormat format)
    : lines_(path, encoding), format_(format) {
  if (format_ == InputFormat::kAuto) detect();
}

// JSON lines when the first non-blank line is a JSON object with a string "text" (a later line that is not one is
// an error naming it, as with --input-format jsonl); else reads the first non-blank lines (waiting for the first,
// then only for those already there unless the input is a file) and names CoNLL when they all are columns, else
// text.
void DocumentReader::detect() {
  std::size_t non_blank = 0, conll = 0;
  std::string line, text;
  while (non_blank < kDetectionLines && (non_blank == 0 || lines_.size() || lines_.ready()) && lines_.next(line)) {
    if (!is_blank(line)) {
      if (++non_blank == 1 && json_text(line, text)) {
        lookahead_.push_back(std::move(line));
        format_ = InputFormat::kJsonl;
        return;
      }
      conll += is_conll_line(line);
    }
    lookahead_.push_back(std::move(line));
  }
  format_ = non_blank >= 2 && conll == non_blank ? InputFormat::kConll : InputFormat::kText;
}

bool DocumentReader::next_line(std::string& line) {
  ++line_number_;
  if (lookahead_.empty()) return lines_.next(line);
  line = std::move(lookahead_.front());
  lookahead_.pop_front();
  return true;
}

bool DocumentReader::next(std::string& document) {
  std::string line;
  switch (format_) {
    case InputFormat::kConll: {
      // Tokens up to the end of the sentence (blank lines before it skipped).
      document.clear();
      bool in_sentence = false;
      while (next_line(line)) {
        const std::vector<std::string_view> columns = split_columns(line);
        if (columns.empty() || columns[0] == "-DOCSTART-") {
          if (in_sentence) return true;
          continue;
        }
        in_sentence = true;
        document += columns[0];
      }
      return in_sentence;
    }
    case InputFormat::kJsonl:
      // The next non-blank line's "text".
      while (next_line(line)) {
        if (is_blank(line)) continue;
        if (!json_text(line, document))
          throw error_at(lines_.origin(), line_number_, "expected a JSON object with a string \"text\" (--input-format text tags the lines as they are)");
        record_ = std::move(line);
        return true;
      }
      return false;
    default:
      return next_line(document);
  }
}

}  // namespace data
