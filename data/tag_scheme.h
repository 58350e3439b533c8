// Tag schemes BIO (IOB2), BIOES and BMES (BIOES with M- for I-): parsing, entity chunks with conlleval's rules,
// conversion, detection and validation.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace data {

enum class Scheme { kBio, kBioes, kBmes };

std::string scheme_name(Scheme scheme);  // "BIO", "BIOES", "BMES"
Scheme parse_scheme(const std::string& name);  // case-insensitive; throws data::Error on an unknown name

// A tag split into its prefix ('O', 'B', 'I', 'M', 'E' or 'S') and entity type ("" for O).
struct TagParts {
  char prefix;
  std::string_view type;
};

// True for "O" and "X-TYPE" with X in B I M E S and a non-empty TYPE.
bool is_valid_tag(std::string_view tag);
TagParts split_tag(std::string_view tag);  // needs is_valid_tag(tag)

// An entity: tokens [begin, end) of one type.
struct Span {
  std::size_t begin, end;
  std::string type;
  bool operator==(const Span& other) const { return begin == other.begin && end == other.end && type == other.type; }
  bool operator<(const Span& other) const;
};

// The entities of a tag sequence by conlleval's chunking rules, after mapping S- to B-, M- and E- to I-: a chunk
// starts at B-, and at an I- that does not continue a chunk of its type (so ill-formed tags still give entities).
std::vector<Span> chunks(const std::vector<std::string>& tags);

// Tags of `length` tokens holding the non-overlapping `spans` in `scheme`.
std::vector<std::string> tags_from_spans(const std::vector<Span>& spans, std::size_t length, Scheme scheme);

// The same entities in another scheme (chunks, then tags_from_spans).
std::vector<std::string> convert_tags(const std::vector<std::string>& tags, Scheme to);

// The scheme a set of tags is written in: BMES if any M- tag, else BIOES if any E- or S- tag, else BIO.
Scheme detect_scheme(const std::vector<std::string>& distinct_tags);

// Hard constraints of a scheme, for decoding and training: which tag may follow which, begin and end a sentence.
// An entity continues (I-/M-/E- of its type) only right after B-/I-/M- of that type; in BIOES/BMES it must be
// closed by E- before anything else, and S-/E-/O/B- may follow only a closed entity.
bool can_follow(std::string_view previous, std::string_view next, Scheme scheme);
bool can_start(std::string_view tag, Scheme scheme);
bool can_end(std::string_view tag, Scheme scheme);

// Every tag of `scheme` for the given entity types: O first, then per type (in the order given) its prefixes
// (BIO: B I; BIOES: B I E S; BMES: B M E S).
std::vector<std::string> tag_set(const std::vector<std::string>& types, Scheme scheme);

// One ill-formed position: tags[index] breaks the scheme's rules.
struct IllFormed {
  std::size_t index;
  std::string message;
};

// Every position where `tags` break `scheme` (an I-/M-/E- that does not continue an entity of its type, an entity
// left open in BIOES/BMES, a prefix the scheme does not have).
std::vector<IllFormed> find_ill_formed(const std::vector<std::string>& tags, Scheme scheme);

}  // namespace data
