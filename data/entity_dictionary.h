// A user's entity dictionary for tagging (`ner tag --dictionary`): lines `surface<TAB>TYPE`, and where its surfaces
// occur in a sentence, overlaps resolved longest first.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "data/lexicon.h"
#include "data/tag_scheme.h"

namespace data {

class EntityDictionary {
 public:
  // Reads `path` (UTF-8; blank lines and lines starting with # skipped). A line without one tab between a surface
  // and a type, a surface longer than Lexicon::kMaxWordLength characters, a type that is not a tag type (letters,
  // digits, _ and -) or a surface given two types is a data::Error naming the file and line; so is a file without
  // entries. Surfaces are matched grapheme for grapheme as written, white space left out.
  static EntityDictionary read(const std::string& path);

  std::size_t size() const { return surfaces_.size(); }
  const std::string& origin() const { return origin_; }
  // The types the entries use, sorted.
  std::vector<std::string> types() const;

  // The entries found in a sentence of graphemes `keys` (Token::text), as entity spans: all occurrences, the longest
  // first where two overlap (then the earlier). `joined` (data::joined_latin_words over the same keys, or empty)
  // rules out a span that would begin or end inside a Latin word.
  std::vector<Span> match(const std::vector<std::string>& keys, const std::vector<char>& joined) const;

 private:
  std::string origin_;
  Lexicon surfaces_;
  std::vector<std::string> types_;  // per surface (Lexicon word index)
};

}  // namespace data
