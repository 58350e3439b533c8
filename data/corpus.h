// Annotated corpora in memory, and reading one from a file in any supported format (detected, or named).
#pragma once

#include <cstddef>
#include <string>
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

struct ReadOptions {
  Format format = Format::kAuto;
  std::string encoding = kDefaultEncoding;  // or "auto" (detect_encoding); an uncertain guess is warned about on stderr
  Scheme jsonl_scheme = Scheme::kBioes;     // the tags that JSON spans become
  bool verbose = false;                     // say on stderr which encoding the corpus was read in (describe_encoding)
};

// Reads and checks a whole corpus. An empty corpus (no sentences) is an error, and so is a file that is no text: a
// ner model or checkpoint, gzip data, or NUL bytes in the first KB (unless it is read as UTF-16 or UTF-32).
Corpus read_corpus(const std::string& path, const ReadOptions& options = {});

// The format of UTF-8 text: JSONL when the first non-blank line starts with '{', else CoNLL.
Format detect_format(const std::string& text);

}  // namespace data
