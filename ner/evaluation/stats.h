// `ner stats`: what is in an annotated corpus, and how many of its characters another corpus has never seen.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "data/corpus.h"
#include "data/normalize.h"

namespace ner {

struct CorpusStats {
  std::string origin;
  data::Format format;
  data::Scheme scheme;
  std::size_t sentences = 0, tokens = 0, entities = 0;
  std::map<std::string, std::size_t> entities_per_type;
  std::size_t longest = 0, longest_line = 0;
  double mean_length = 0;
  std::vector<std::string> ill_formed;  // "origin:line: message", one per ill-formed position
};

CorpusStats corpus_stats(const data::Corpus& corpus);
std::string format_stats(const CorpusStats& stats);

// Out-of-vocabulary characters of `corpus` against the characters of `reference`, compared by lookup key.
struct OovStats {
  std::size_t tokens = 0, oov_tokens = 0;  // running characters
  std::size_t types = 0, oov_types = 0;    // distinct keys
};

OovStats oov_stats(const data::Corpus& corpus, const data::Corpus& reference, const data::NormalizeOptions& options);
std::string format_oov(const OovStats& oov, const std::string& reference_origin);

}  // namespace ner
