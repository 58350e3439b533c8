// Entity-level scoring with conlleval's semantics: tags are first read as BIO (S- → B-, M-/E- → I-), chunks follow
// conlleval's rules, a predicted entity is correct when its first token, last token and type all match a gold one;
// token accuracy compares whole tags. Micro-averaged over all types, and per type.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ner {

struct ChunkCounts {
  std::size_t gold = 0;     // entities in the gold standard
  std::size_t found = 0;    // entities predicted
  std::size_t correct = 0;  // predicted entities that match a gold one exactly

  double precision() const;  // percent; 0 when nothing was found
  double recall() const;     // percent; 0 when there is no gold entity
  double f1() const;         // percent; 0 when precision + recall is 0
};

class Evaluation {
 public:
  // One sentence's gold and predicted tags (any scheme; same length).
  void add(const std::vector<std::string>& gold, const std::vector<std::string>& predicted);

  std::size_t tokens() const { return tokens_; }
  std::size_t correct_tags() const { return correct_tags_; }
  double accuracy() const;  // percent of tokens whose BIO tag is right
  const ChunkCounts& total() const { return total_; }
  // Per type, sorted bytewise like conlleval's Perl `sort`.
  const std::map<std::string, ChunkCounts>& per_type() const { return per_type_; }

 private:
  std::size_t tokens_ = 0, correct_tags_ = 0;
  ChunkCounts total_;
  std::map<std::string, ChunkCounts> per_type_;
};

// The tag read as BIO: S- → B-, M-/E- → I-.
std::string bio_view(std::string_view tag);

// Scores conlleval's input: `token ... gold predicted` per line (space or tab separated, extra leading columns
// ignored), sentences separated by blank lines or lines whose first column is -X-. Malformed lines and tags are a
// data::Error naming origin:line.
Evaluation score_conll_predictions(std::string_view text, const std::string& origin);

// Exactly what conlleval prints for these counts.
std::string conlleval_report(const Evaluation& evaluation);
// The same numbers as JSON (one object, no trailing newline).
std::string json_report(const Evaluation& evaluation);

}  // namespace ner
