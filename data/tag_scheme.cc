#include "data/tag_scheme.h"

#include <cassert>
#include <cctype>
#include <set>
#include <tuple>

#include "data/error.h"

namespace data {

std::string scheme_name(Scheme scheme) {
  switch (scheme) {
    case Scheme::kBio: return "BIO";
    case Scheme::kBioes: return "BIOES";
    case Scheme::kBmes: return "BMES";
  }
  return "?";
}

Scheme parse_scheme(const std::string& name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "BIO" || upper == "IOB2") return Scheme::kBio;
  if (upper == "BIOES" || upper == "IOBES") return Scheme::kBioes;
  if (upper == "BMES") return Scheme::kBmes;
  throw Error("unknown tag scheme '" + name + "' (expected BIO, BIOES or BMES)");
}

bool is_valid_tag(std::string_view tag) {
  if (tag == "O") return true;
  if (tag.size() < 3 || tag[1] != '-') return false;
  return std::string_view("BIMES").find(tag[0]) != std::string_view::npos;
}

TagParts split_tag(std::string_view tag) {
  assert(is_valid_tag(tag));
  if (tag == "O") return {'O', {}};
  return {tag[0], tag.substr(2)};
}

bool Span::operator<(const Span& other) const {
  return std::tie(begin, end, type) < std::tie(other.begin, other.end, other.type);
}

std::vector<Span> chunks(const std::vector<std::string>& tags) {
  std::vector<Span> spans;
  bool open = false;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    TagParts parts = split_tag(tags[i]);
    // BIO view: S- -> B-, M-/E- -> I-.
    char prefix = parts.prefix == 'S' ? 'B' : (parts.prefix == 'M' || parts.prefix == 'E') ? 'I' : parts.prefix;
    bool continues = open && prefix == 'I' && spans.back().type == parts.type;
    if (open && !continues) {
      spans.back().end = i;
      open = false;
    }
    if (prefix != 'O' && !continues) {
      spans.push_back({i, i, std::string(parts.type)});
      open = true;
    }
  }
  if (open) spans.back().end = tags.size();
  return spans;
}

std::vector<std::string> tags_from_spans(const std::vector<Span>& spans, std::size_t length, Scheme scheme) {
  std::vector<std::string> tags(length, "O");
  const char inside = scheme == Scheme::kBmes ? 'M' : 'I';
  for (const Span& span : spans) {
    assert(span.begin < span.end && span.end <= length);
    for (std::size_t i = span.begin; i < span.end; ++i) {
      char prefix = inside;
      if (scheme == Scheme::kBio) prefix = i == span.begin ? 'B' : 'I';
      else if (span.end - span.begin == 1) prefix = 'S';
      else if (i == span.begin) prefix = 'B';
      else if (i + 1 == span.end) prefix = 'E';
      tags[i] = std::string(1, prefix) + "-" + span.type;
    }
  }
  return tags;
}

std::vector<std::string> convert_tags(const std::vector<std::string>& tags, Scheme to) {
  return tags_from_spans(chunks(tags), tags.size(), to);
}

Scheme detect_scheme(const std::vector<std::string>& distinct_tags) {
  bool has_m = false, has_e_or_s = false;
  for (const std::string& tag : distinct_tags) {
    has_m |= tag[0] == 'M';
    has_e_or_s |= tag[0] == 'E' || tag[0] == 'S';
  }
  if (has_m) return Scheme::kBmes;
  return has_e_or_s ? Scheme::kBioes : Scheme::kBio;
}

namespace {

// True for B-/I-/M-: the entity may (BIO) or must (BIOES/BMES) continue.
bool opens(char prefix) { return prefix == 'B' || prefix == 'I' || prefix == 'M'; }
bool continues(char prefix) { return prefix == 'I' || prefix == 'M' || prefix == 'E'; }

}  // namespace

bool can_follow(std::string_view previous, std::string_view next, Scheme scheme) {
  TagParts a = split_tag(previous), b = split_tag(next);
  if (continues(b.prefix)) return opens(a.prefix) && a.type == b.type;
  // O, B-, S- start fresh: fine after anything in BIO, only after a closed entity in BIOES/BMES.
  return scheme == Scheme::kBio || !opens(a.prefix);
}

bool can_start(std::string_view tag, Scheme) { return !continues(split_tag(tag).prefix); }

bool can_end(std::string_view tag, Scheme scheme) { return scheme == Scheme::kBio || !opens(split_tag(tag).prefix); }

std::vector<std::string> tag_set(const std::vector<std::string>& types, Scheme scheme) {
  const char* prefixes = scheme == Scheme::kBio ? "BI" : scheme == Scheme::kBioes ? "BIES" : "BMES";
  std::vector<std::string> tags = {"O"};
  for (const std::string& type : types)
    for (const char* p = prefixes; *p; ++p) tags.push_back(std::string(1, *p) + "-" + type);
  return tags;
}

std::vector<IllFormed> find_ill_formed(const std::vector<std::string>& tags, Scheme scheme) {
  std::vector<IllFormed> problems;
  const bool closes = scheme != Scheme::kBio;  // BIOES and BMES end every entity with E- or S-
  const char inside_prefix = scheme == Scheme::kBmes ? 'M' : 'I';
  std::string allowed = scheme == Scheme::kBio ? "BIO" : scheme == Scheme::kBioes ? "BIESO" : "BMESO";
  bool open = false;  // an entity is open and may be continued
  std::string open_type;
  auto report_unclosed = [&](std::size_t index) {
    problems.push_back({index - 1, tags[index - 1] + " leaves its entity open (no E- follows)"});
  };
  for (std::size_t i = 0; i < tags.size(); ++i) {
    TagParts parts = split_tag(tags[i]);
    if (allowed.find(parts.prefix) == std::string::npos) {
      problems.push_back({i, "tag " + tags[i] + " is not in the " + scheme_name(scheme) + " scheme"});
    }
    bool continuing = parts.prefix == inside_prefix || parts.prefix == 'E' || parts.prefix == 'I' || parts.prefix == 'M';
    if (continuing) {
      if (!open || open_type != parts.type)
        problems.push_back({i, tags[i] + " does not continue an entity of type " + std::string(parts.type) +
                                   " (it starts a new one)"});
    } else if (open && closes) {
      report_unclosed(i);
    }
    open = parts.prefix == 'B' || (continuing && parts.prefix != 'E');
    if (scheme == Scheme::kBio) open = parts.prefix != 'O';
    open_type = std::string(parts.type);
  }
  if (open && closes) report_unclosed(tags.size());
  return problems;
}

}  // namespace data


