#include "data/entity_dictionary.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "data/error.h"
#include "data/tag_scheme.h"
#include "data/text_file.h"
#include "data/tokenizer.h"

namespace data {

namespace {

bool is_type_name(std::string_view type) {
  return !type.empty() && std::all_of(type.begin(), type.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-';
  });
}

}  // namespace

EntityDictionary EntityDictionary::read(const std::string& path) {
  const std::string text = read_text_file(path, "utf-8");
  EntityDictionary dictionary;
  dictionary.origin_ = path;
  Tokenizer tokenizer;
  std::vector<std::size_t> line_of;  // per surface: the line that gave it
  std::vector<std::string> keys;
  for_each_line(text, [&](std::string_view line, std::size_t line_number) {
    if (line.find_first_not_of(" \t") == std::string_view::npos || line.front() == '#') return;
    const std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos || line.find('\t', tab + 1) != std::string_view::npos)
      throw error_at(path, line_number, "expected surface<TAB>TYPE (one tab)");
    const std::string surface(line.substr(0, tab)), type(line.substr(tab + 1));
    if (!is_type_name(type))
      throw error_at(path, line_number, "type '" + type + "': expected letters, digits, _ or - (like PER, ORG)");
    keys.clear();
    for (const Token& token : tokenizer.tokenize(surface)) keys.emplace_back(token.text(surface));
    if (keys.empty()) throw error_at(path, line_number, "empty surface");
    if (keys.size() > Lexicon::kMaxWordLength)
      throw error_at(path, line_number, "surface longer than " + std::to_string(Lexicon::kMaxWordLength) + " characters");
    const std::size_t before = dictionary.surfaces_.size();
    dictionary.surfaces_.add(keys, 1);
    if (dictionary.surfaces_.size() > before) {
      dictionary.types_.push_back(type);
      line_of.push_back(line_number);
      return;
    }
    // A surface given before: the same type is a repeat; another one is a contradiction.
    for (const Lexicon::Match& m : dictionary.surfaces_.match(keys))
      if (m.begin == 0 && m.end == keys.size() && dictionary.types_[m.word] != type)
        throw error_at(path, line_number, surface + " is " + dictionary.types_[m.word] + " on line " +
                                              std::to_string(line_of[m.word]) + ", here " + type);
  });
  if (dictionary.size() == 0) throw Error(path + ": no entries (expected lines surface<TAB>TYPE)");
  return dictionary;
}

std::vector<std::string> EntityDictionary::types() const {
  const std::set<std::string> distinct(types_.begin(), types_.end());
  return {distinct.begin(), distinct.end()};
}

std::vector<Span> EntityDictionary::match(const std::vector<std::string>& keys, const std::vector<char>& joined) const {
  std::vector<Lexicon::Match> found;
  for (const Lexicon::Match& m : surfaces_.match(keys)) {
    const bool cuts_a_word = !joined.empty() && ((m.begin > 0 && joined[m.begin - 1]) || joined[m.end - 1]);
    if (!cuts_a_word) found.push_back(m);
  }
  // Longest first, then earliest; a span is kept when it overlaps none kept before.
  std::stable_sort(found.begin(), found.end(),
                   [](const Lexicon::Match& a, const Lexicon::Match& b) { return a.end - a.begin > b.end - b.begin; });
  std::vector<char> taken(keys.size(), 0);
  std::vector<Span> spans;
  for (const Lexicon::Match& m : found) {
    if (std::any_of(taken.begin() + static_cast<std::ptrdiff_t>(m.begin), taken.begin() + static_cast<std::ptrdiff_t>(m.end),
                    [](char t) { return t != 0; }))
      continue;
    std::fill(taken.begin() + static_cast<std::ptrdiff_t>(m.begin), taken.begin() + static_cast<std::ptrdiff_t>(m.end), 1);
    spans.push_back({m.begin, m.end, types_[m.word]});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  return spans;
}

}  // namespace data
