#include "ner/evaluation/stats.h"

#include <cstdio>
#include <unordered_set>

#include "data/tag_scheme.h"

namespace ner {

CorpusStats corpus_stats(const data::Corpus& corpus) {
  CorpusStats stats;
  stats.origin = corpus.origin;
  stats.format = corpus.format;
  stats.scheme = data::detect_scheme(corpus.distinct_tags());
  stats.sentences = corpus.sentences.size();
  for (const data::Sentence& sentence : corpus.sentences) {
    stats.tokens += sentence.tokens.size();
    if (sentence.tokens.size() > stats.longest) {
      stats.longest = sentence.tokens.size();
      stats.longest_line = sentence.line;
    }
    for (const data::Span& span : data::chunks(sentence.tags)) ++stats.entities_per_type[span.type];
    for (const data::IllFormed& problem : data::find_ill_formed(sentence.tags, stats.scheme))
      stats.ill_formed.push_back(corpus.origin + ":" + std::to_string(sentence.token_line(problem.index)) + ": " +
                                 problem.message);
  }
  for (const auto& [type, count] : stats.entities_per_type) stats.entities += count;
  stats.mean_length = stats.sentences ? static_cast<double>(stats.tokens) / static_cast<double>(stats.sentences) : 0;
  return stats;
}

std::string format_stats(const CorpusStats& stats) {
  char mean[32];
  std::snprintf(mean, sizeof mean, "%.1f", stats.mean_length);
  std::string out = stats.origin + "\n";
  out += "  format:            " + data::format_name(stats.format) + ", tag scheme " + data::scheme_name(stats.scheme) + "\n";
  out += "  sentences:         " + std::to_string(stats.sentences) + "\n";
  out += "  characters:        " + std::to_string(stats.tokens) + "\n";
  out += "  longest sentence:  " + std::to_string(stats.longest) + " characters (line " + std::to_string(stats.longest_line) + ")\n";
  out += "  mean sentence:     " + std::string(mean) + " characters\n";
  out += "  entities:          " + std::to_string(stats.entities) + "\n";
  for (const auto& [type, count] : stats.entities_per_type) {
    char row[128];
    std::snprintf(row, sizeof row, "    %-16s %zu\n", type.c_str(), count);
    out += row;
  }
  out += "  ill-formed:        " + std::to_string(stats.ill_formed.size()) + "\n";
  for (const std::string& problem : stats.ill_formed) out += "    " + problem + "\n";
  return out;
}

OovStats oov_stats(const data::Corpus& corpus, const data::Corpus& reference, const data::NormalizeOptions& options) {
  std::unordered_set<std::string> known, seen;
  for (const data::Sentence& sentence : reference.sentences)
    for (const std::string& token : sentence.tokens) known.insert(data::normalize_key(token, options));
  OovStats oov;
  for (const data::Sentence& sentence : corpus.sentences) {
    for (const std::string& token : sentence.tokens) {
      std::string key = data::normalize_key(token, options);
      bool unknown = known.count(key) == 0;
      ++oov.tokens;
      oov.oov_tokens += unknown;
      if (seen.insert(key).second) {
        ++oov.types;
        oov.oov_types += unknown;
      }
    }
  }
  return oov;
}

std::string format_oov(const OovStats& oov, const std::string& reference_origin) {
  auto percent = [](std::size_t part, std::size_t whole) { return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0; };
  char line[512];
  std::snprintf(line, sizeof line,
                "  OOV against %s: %.2f%% of characters (%zu of %zu), %.2f%% of distinct characters (%zu of %zu)\n",
                reference_origin.c_str(), percent(oov.oov_tokens, oov.tokens), oov.oov_tokens, oov.tokens,
                percent(oov.oov_types, oov.types), oov.oov_types, oov.types);
  return line;
}

}  // namespace ner
