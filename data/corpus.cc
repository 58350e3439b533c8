#include "data/corpus.h"

#include <set>

#include "data/conll.h"
#include "data/error.h"
#include "data/jsonl.h"
#include "data/text_file.h"

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

Format detect_format(const std::string& text) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{' ? Format::kJsonl : Format::kConll;
}

Corpus read_corpus(const std::string& path, const ReadOptions& options) {
  Corpus corpus;
  corpus.origin = path == "-" ? "<stdin>" : path;
  std::string text = read_text_file(path, options.encoding);
  corpus.format = options.format == Format::kAuto ? detect_format(text) : options.format;
  corpus.sentences = corpus.format == Format::kJsonl ? parse_jsonl(text, corpus.origin, options.jsonl_scheme)
                                                     : parse_conll(text, corpus.origin);
  if (corpus.sentences.empty()) throw Error(corpus.origin + ": no sentences (the corpus is empty)");
  return corpus;
}

}  // namespace data
