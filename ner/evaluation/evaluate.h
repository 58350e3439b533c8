// Entity-level scoring as conlleval (2004-01-26) scores: each tag is read as conlleval reads it (prefix before the
// first '-', type after it), chunks start and end by conlleval's rules for the prefix pair, and a predicted chunk is
// correct when it starts and ends with a gold chunk of its type. Token accuracy compares whole tags. Micro-averaged
// over all types, and per type. For B- I- O and the bracket tags these are conlleval's rules, so its report is
// conlleval's byte for byte; conlleval has no rule for S- (it reads B-X E-X S-X as one chunk), so S- and E- follow
// the BIOES rules (S- a chunk of one token, E- its chunk's end): on well-formed BIOES the chunk counts are
// conlleval's on the same spans written as BIO, and only token accuracy differs. M-, a prefix with no rule either, is
// read as conlleval reads any unknown prefix.
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

// A tag as conlleval reads it: its prefix ('O' for O) and its type ("" for O, and for the type "0", which Perl
// reads as false).
struct ScoredTag {
  char prefix = 'O';
  std::string type;
};

// True for "O" and "X-TYPE" with X one of B I M E S [ ] . and a non-empty TYPE (which may hold '-').
bool is_scored_tag(std::string_view tag);
ScoredTag read_scored_tag(std::string_view tag);  // needs is_scored_tag(tag)

// conlleval's endOfChunk and startOfChunk: whether a chunk ends before, or starts at, `tag` after `previous`.
bool chunk_ends(const ScoredTag& previous, const ScoredTag& tag);
bool chunk_starts(const ScoredTag& previous, const ScoredTag& tag);

// conlleval's counters, fed line by line: tokens and sentence boundaries, in file order.
class Evaluation {
 public:
  // One sentence's gold and predicted tags (is_scored_tag; same length), then a sentence boundary.
  void add(const std::vector<std::string>& gold, const std::vector<std::string>& predicted);
  // One token's gold and predicted tags (is_scored_tag).
  void add_token(std::string_view gold, std::string_view predicted);
  // A sentence boundary: both sides read O there.
  void add_boundary();

  std::size_t tokens() const { return tokens_; }
  std::size_t correct_tags() const { return correct_tags_; }
  double accuracy() const;  // percent of tokens whose tag (prefix and type) is right
  // The counts so far; a chunk still open on both sides at the end counts as correct, as at conlleval's end of file.
  ChunkCounts total() const;
  // Per type (each type that starts a chunk on either side), sorted bytewise like Perl's `sort`.
  std::map<std::string, ChunkCounts> per_type() const;

 private:
  // Moves from the last tags to these: closes and opens chunks, counts them.
  void step(const ScoredTag& gold, const ScoredTag& predicted);

  std::size_t tokens_ = 0, correct_tags_ = 0;
  ChunkCounts total_;
  std::map<std::string, ChunkCounts> per_type_;
  ScoredTag last_gold_, last_predicted_;
  bool in_correct_ = false;  // the chunks open on both sides started together with one type and still agree
};

// Scores conlleval's input: `token ... gold predicted` per line (space or tab separated, extra leading columns
// ignored), sentences separated by blank lines or lines whose first column is -X-. Malformed lines and tags are a
// data::Error naming origin:line; a file with no tokens scores zero counts.
Evaluation score_conll_predictions(std::string_view text, const std::string& origin);

// Exactly what conlleval prints for these counts.
std::string conlleval_report(const Evaluation& evaluation);
// The same numbers as JSON (one object, no trailing newline).
std::string json_report(const Evaluation& evaluation);

}  // namespace ner
