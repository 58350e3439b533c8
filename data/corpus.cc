#include "data/corpus.h"

#include <iostream>
#include <set>
#include <tuple>

#include "data/binary_io.h"
#include "data/conll.h"
#include "data/error.h"
#include "data/jsonl.h"
#include "data/text_file.h"
#include "data/utf8.h"

namespace data {

std::string format_name(Format format) {
  switch (format) {
    case Format::kAuto: return "auto";
    case Format::kConll: return "conll";
    case Format::kJsonl: return "jsonl";
  }
  return "?";
}

Format parse_format(const std::string& name) {
  if (name == "auto") return Format::kAuto;
  if (name == "conll" || name == "bio" || name == "bmes" || name == "bioes") return Format::kConll;
  if (name == "jsonl" || name == "json") return Format::kJsonl;
  throw Error("unknown corpus format '" + name + "' (expected auto, conll or jsonl)");
}

std::size_t Corpus::token_count() const {
  std::size_t count = 0;
  for (const Sentence& sentence : sentences) count += sentence.tokens.size();
  return count;
}

std::vector<std::string> Corpus::distinct_tags() const {
  std::set<std::string> tags;
  for (const Sentence& sentence : sentences) tags.insert(sentence.tags.begin(), sentence.tags.end());
  return {tags.begin(), tags.end()};
}

void Repairs::Count::add(std::size_t line, std::size_t how_many) {
  if (count == 0) first_line = line;
  count += how_many;
}

std::string Repairs::warning(const std::string& origin) const {
  std::string counted;
  // One clause per kind counted: "N WHAT (first at ORIGIN:LINE)".
  for (const auto& [kind, singular, plural] :
       {std::tuple{&overlapping_spans, "overlapping span dropped", "overlapping spans dropped"},
        std::tuple{&byte_order_marks, "byte-order mark inside the file removed", "byte-order marks inside the file removed"}}) {
    if (kind->count == 0) continue;
    counted += std::to_string(kind->count) + " " + (kind->count == 1 ? singular : plural);
    if (kind == &overlapping_spans) counted += ", the outermost (else the longer, else the earlier) kept";
    counted += " (first at " + origin + ":" + std::to_string(kind->first_line) + "); ";
  }
  return counted.empty() ? "" : "ner: warning: " + origin + ": " + counted + "--strict refuses them";
}

std::string_view without_byte_order_mark(std::string_view line, const std::string& origin, std::size_t line_number,
                                         Repairs* repairs) {
  if (line.substr(0, kUtf8Bom.size()) != kUtf8Bom) return line;
  if (!repairs)
    throw error_at(origin, line_number, "a byte-order mark (U+FEFF) starts the line, inside the file (files joined?)");
  repairs->byte_order_marks.add(line_number);
  return line.substr(kUtf8Bom.size());
}

Format detect_format(const std::string& text) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{' ? Format::kJsonl : Format::kConll;
}

namespace {

// The encoding to read `bytes` in ("auto": detected), after refusing files that are no corpus at all
// (refuse_binary).
DetectedEncoding corpus_encoding(std::string_view bytes, const std::string& encoding, const std::string& origin) {
  refuse_binary(bytes, encoding, origin, "a corpus");
  if (encoding != kAutoEncoding) return DetectedEncoding{encoding};
  const std::string_view sample = bytes.substr(0, kDetectionSample);
  // NUL bytes that refuse_binary let through are UTF-16's.
  if (bytes.substr(0, kBinaryCheckBytes).find('\0') != std::string_view::npos) return *detect_utf16(sample);
  return detect_encoding(sample, bytes.size() <= kDetectionSample, origin);
}

}  // namespace

Corpus read_corpus(const std::string& path, const ReadOptions& options) {
  Corpus corpus;
  corpus.origin = path == "-" ? "<stdin>" : path;
  const std::string bytes = read_file(path);
  const DetectedEncoding encoding = corpus_encoding(bytes, options.encoding, corpus.origin);
  if (options.verbose) std::cerr << describe_encoding(corpus.origin, encoding) << "\n";
  warn_if_uncertain(corpus.origin, encoding);
  std::string text;
  try {
    text = to_utf8(bytes, encoding, corpus.origin);
  } catch (const Error& error) {
    // Invalid bytes in the UTF-8 that the options named: perhaps the corpus is in another encoding.
    if (encoding.detected || !is_utf8_name(encoding.name)) throw;
    throw Error(error.what() + not_utf8_hint(bytes));
  }
  corpus.format = options.format == Format::kAuto ? detect_format(text) : options.format;
  Repairs repairs;
  Repairs* counted = options.strict ? nullptr : &repairs;
  corpus.sentences = corpus.format == Format::kJsonl ? parse_jsonl(text, corpus.origin, options.jsonl_scheme, counted)
                                                     : parse_conll(text, corpus.origin, counted);
  if (corpus.sentences.empty()) throw Error(corpus.origin + ": no sentences (the corpus is empty)");
  if (const std::string warning = repairs.warning(corpus.origin); !warning.empty()) std::cerr << warning << "\n";
  return corpus;
}

}  // namespace data
