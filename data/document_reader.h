// The documents `ner tag` tags, read from text lines, CoNLL columns or JSON lines, streaming (one LineReader).
//   text:  every line is a document;
//   conll: every sentence (a blank line or -DOCSTART- ends it) is one, its first-column tokens joined without spaces;
//   jsonl: every non-blank line is a JSON object whose string "text" is one.
// Auto-detection: JSON lines when the first non-blank line is a JSON object with a string "text" (then every line
// must be one: an error names the first that is not). Columns conservatively, so ordinary text is never taken for
// them: the first non-blank lines (of a file, up to kDetectionLines; of a terminal or pipe, those already there)
// must all be `token ... TAG` columns whose last column is a tag (O, B-PER, ...), and at least two of them.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "data/line_reader.h"

namespace data {

enum class InputFormat { kAuto, kText, kConll, kJsonl };

// The formats' names, in the enum's order: auto, text, conll, jsonl.
const std::vector<std::string>& input_format_names();
InputFormat parse_input_format(const std::string& name);  // one of the names; else a data::Error
std::string input_format_name(InputFormat format);

inline constexpr std::size_t kDetectionLines = 16;  // non-blank lines that input-format detection looks at

class DocumentReader {
 public:
  // Reads `path` ("-": standard input) in `encoding`; with InputFormat::kAuto, detects the format.
  DocumentReader(const std::string& path, const std::string& encoding, InputFormat format);

  // The next document (valid UTF-8, no line break); false at the end of the input.
  bool next(std::string& document);

  // For JSON lines, the line of the document next() returned last (its record, with any other fields); else empty.
  const std::string& record() const { return record_; }

  // True when next() can return without waiting for more input (LineReader::ready).
  bool ready() { return !lookahead_.empty() || lines_.ready(); }

  InputFormat format() const { return format_; }
  const LineReader& lines() const { return lines_; }

 private:
  bool next_line(std::string& line);  // the next line, from the lookahead first
  void detect();

  LineReader lines_;
  InputFormat format_;
  std::deque<std::string> lookahead_;  // lines read for detection, not yet returned
  std::size_t line_number_ = 0;        // of the line next_line returned last
  std::string record_;                 // see record()
};

}  // namespace data
