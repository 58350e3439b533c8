// Annotated corpora in memory, and reading one from a file in any supported format (detected, or named).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "data/encoding.h"
#include "data/tag_scheme.h"

namespace data {

// One sentence: its tokens and one tag per token, with where it came from.
struct Sentence {
  std::vector<std::string> tokens;
  std::vector<std::string> tags;
  std::size_t line = 0;            // 1-based line of the first token in the source file
  bool token_per_line = true;      // CoNLL: token i is on line + i; JSONL: every token is on `line`

  std::size_t token_line(std::size_t i) const { return token_per_line ? line + i : line; }
};

enum class Format { kAuto, kConll, kJsonl };

std::string format_name(Format format);        // "auto", "conll", "jsonl"
Format parse_format(const std::string& name);  // throws data::Error on an unknown name

struct Corpus {
  std::string origin;  // the file name used in messages
  Format format = Format::kConll;
  std::vector<Sentence> sentences;

  std::size_t token_count() const;
  std::vector<std::string> distinct_tags() const;  // sorted
};

// The oddities of real corpora that a reader repairs rather than refuses, each counted with the line where it first
// occurs, for the one warning that read_corpus gives per file (nothing is dropped silently).
struct Repairs {
  struct Count {
    std::size_t count = 0;
    std::size_t first_line = 0;  // 1-based; 0 while count is 0
    void add(std::size_t line, std::size_t how_many = 1);
  };
  Count overlapping_spans;  // JSONL: spans dropped because they overlap a kept one (see parse_jsonl)
  Count byte_order_marks;   // a U+FEFF starting a line after the first (files joined end to start), removed

  // One line "ner: warning: ORIGIN: N ... (first at ORIGIN:LINE); ...; --strict refuses them", "" when nothing is counted.
  std::string warning(const std::string& origin) const;
};

// `line` without a U+FEFF at its start, counted in `repairs`; with no `repairs` (strict) such a line is an error.
std::string_view without_byte_order_mark(std::string_view line, const std::string& origin, std::size_t line_number,
                                         Repairs* repairs);

struct ReadOptions {
  Format format = Format::kAuto;
  std::string encoding = kDefaultEncoding;  // or "auto" (detect_encoding); an uncertain guess is warned about on stderr
  Scheme jsonl_scheme = Scheme::kBioes;     // the tags that JSON spans become
  bool verbose = false;                     // say on stderr which encoding the corpus was read in (describe_encoding)
  bool strict = false;                      // refuse the oddities that are otherwise repaired (Repairs) as errors
};

// Reads and checks a whole corpus. An empty corpus (no sentences) is an error, and so is a file that is no text: a
// ner model or checkpoint, gzip data, or NUL bytes in the first KB (unless it is read as UTF-16 or UTF-32). The
// oddities repaired (unless options.strict) are warned about on stderr in one line, as an uncertain encoding is.
Corpus read_corpus(const std::string& path, const ReadOptions& options = {});

// The format of UTF-8 text: JSONL when the first non-blank line starts with '{', else CoNLL.
Format detect_format(const std::string& text);

}  // namespace data
