#include "data/tag_scheme.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace data {
namespace {

std::vector<std::string> tags(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string tag; in >> tag;) out.push_back(tag);
  return out;
}

struct ChunkCase {
  const char* name;
  const char* tags;
  std::vector<Span> spans;
};

TEST(Chunks, FollowConllevalRules) {
  const ChunkCase cases[] = {
      {"empty", "", {}},
      {"all O", "O O", {}},
      {"BIO", "B-PER I-PER O B-LOC", {{0, 2, "PER"}, {3, 4, "LOC"}}},
      {"B after B", "B-PER B-PER", {{0, 1, "PER"}, {1, 2, "PER"}}},
      {"I after O starts a chunk", "O I-PER I-PER", {{1, 3, "PER"}}},
      {"I of another type starts a chunk", "B-PER I-LOC", {{0, 1, "PER"}, {1, 2, "LOC"}}},
      {"sentence starting with I", "I-ORG O", {{0, 1, "ORG"}}},
      {"entity to the end", "O B-ORG I-ORG", {{1, 3, "ORG"}}},
      {"BIOES", "S-PER B-LOC I-LOC E-LOC O", {{0, 1, "PER"}, {1, 4, "LOC"}}},
      {"BMES", "B-ORG M-ORG E-ORG S-NAME", {{0, 3, "ORG"}, {3, 4, "NAME"}}},
      {"BMES starting with M (Resume train)", "M-ORG E-ORG O", {{0, 2, "ORG"}}},
      {"S after S", "S-PER S-PER", {{0, 1, "PER"}, {1, 2, "PER"}}},
  };
  for (const auto& c : cases) EXPECT_EQ(chunks(tags(c.tags)), c.spans) << c.name;
}

TEST(Schemes, ConvertAndRoundTrip) {
  std::vector<std::string> bio = tags("B-PER I-PER I-PER O B-LOC O B-ORG I-ORG");
  std::vector<std::string> bioes = tags("B-PER I-PER E-PER O S-LOC O B-ORG E-ORG");
  std::vector<std::string> bmes = tags("B-PER M-PER E-PER O S-LOC O B-ORG E-ORG");
  EXPECT_EQ(convert_tags(bio, Scheme::kBioes), bioes);
  EXPECT_EQ(convert_tags(bio, Scheme::kBmes), bmes);
  EXPECT_EQ(convert_tags(bioes, Scheme::kBio), bio);
  EXPECT_EQ(convert_tags(bmes, Scheme::kBio), bio);
  EXPECT_EQ(convert_tags(convert_tags(bmes, Scheme::kBioes), Scheme::kBmes), bmes);
}

TEST(Schemes, DetectAndParse) {
  EXPECT_EQ(detect_scheme(tags("O B-PER I-PER")), Scheme::kBio);
  EXPECT_EQ(detect_scheme(tags("O B-PER E-PER S-LOC")), Scheme::kBioes);
  EXPECT_EQ(detect_scheme(tags("B-PER M-PER E-PER")), Scheme::kBmes);
  EXPECT_EQ(parse_scheme("bioes"), Scheme::kBioes);
  EXPECT_EQ(parse_scheme("IOB2"), Scheme::kBio);
  EXPECT_THROW(parse_scheme("IOB1"), std::exception);
}

TEST(Tags, Validity) {
  EXPECT_TRUE(is_valid_tag("O"));
  EXPECT_TRUE(is_valid_tag("B-PER"));
  EXPECT_TRUE(is_valid_tag("S-X"));
  EXPECT_FALSE(is_valid_tag("B-"));
  EXPECT_FALSE(is_valid_tag("PER"));
  EXPECT_FALSE(is_valid_tag("X-PER"));
  EXPECT_FALSE(is_valid_tag("o"));
  EXPECT_FALSE(is_valid_tag(""));
}

struct IllFormedCase {
  const char* name;
  const char* tags;
  Scheme scheme;
  std::vector<std::size_t> positions;
};

TEST(IllFormed, ReportsEveryBrokenPosition) {
  const IllFormedCase cases[] = {
      {"valid BIO", "B-PER I-PER O B-LOC", Scheme::kBio, {}},
      {"I after O", "O I-PER", Scheme::kBio, {1}},
      {"I of another type", "B-PER I-LOC", Scheme::kBio, {1}},
      {"E in BIO", "B-PER E-PER", Scheme::kBio, {1}},
      {"valid BIOES", "B-PER I-PER E-PER S-LOC O", Scheme::kBioes, {}},
      {"BIOES left open before O", "B-PER O", Scheme::kBioes, {0}},
      {"BIOES left open at end", "O B-PER I-PER", Scheme::kBioes, {2}},
      {"BIOES E without B", "O E-PER", Scheme::kBioes, {1}},
      {"M in BIOES", "B-PER M-PER E-PER", Scheme::kBioes, {1}},
      {"valid BMES", "B-ORG M-ORG E-ORG S-NAME", Scheme::kBmes, {}},
      {"BMES starting with M", "M-ORG E-ORG O", Scheme::kBmes, {0}},
      {"BMES open then S", "B-ORG M-ORG S-ORG", Scheme::kBmes, {1}},
  };
  for (const auto& c : cases) {
    std::vector<std::size_t> got;
    for (const IllFormed& problem : find_ill_formed(tags(c.tags), c.scheme)) got.push_back(problem.index);
    EXPECT_EQ(got, c.positions) << c.name;
  }
}

}  // namespace
}  // namespace data

namespace data {
namespace {

TEST(Constraints, FollowStartEnd) {
  EXPECT_TRUE(can_follow("B-PER", "I-PER", Scheme::kBio));
  EXPECT_TRUE(can_follow("I-PER", "I-PER", Scheme::kBio));
  EXPECT_FALSE(can_follow("O", "I-PER", Scheme::kBio));
  EXPECT_FALSE(can_follow("B-PER", "I-LOC", Scheme::kBio));
  EXPECT_TRUE(can_follow("B-PER", "B-PER", Scheme::kBio));
  EXPECT_TRUE(can_follow("I-PER", "O", Scheme::kBio));
  EXPECT_FALSE(can_start("I-PER", Scheme::kBio));
  EXPECT_TRUE(can_end("B-PER", Scheme::kBio));

  EXPECT_TRUE(can_follow("B-ORG", "M-ORG", Scheme::kBmes));
  EXPECT_TRUE(can_follow("M-ORG", "E-ORG", Scheme::kBmes));
  EXPECT_TRUE(can_follow("E-ORG", "S-LOC", Scheme::kBmes));
  EXPECT_FALSE(can_follow("B-ORG", "O", Scheme::kBmes));
  EXPECT_FALSE(can_follow("M-ORG", "B-ORG", Scheme::kBmes));
  EXPECT_FALSE(can_follow("S-ORG", "E-ORG", Scheme::kBmes));
  EXPECT_FALSE(can_follow("O", "M-ORG", Scheme::kBmes));
  EXPECT_FALSE(can_start("E-ORG", Scheme::kBioes));
  EXPECT_TRUE(can_start("S-ORG", Scheme::kBioes));
  EXPECT_FALSE(can_end("B-ORG", Scheme::kBioes));
  EXPECT_TRUE(can_end("E-ORG", Scheme::kBioes));
}

TEST(Constraints, EveryWellFormedSequenceIsAllowed) {
  // The constraints accept exactly what find_ill_formed accepts, over all sequences of length 3 of a small tag set.
  for (Scheme scheme : {Scheme::kBio, Scheme::kBioes, Scheme::kBmes}) {
    std::vector<std::string> tags = tag_set({"A", "B"}, scheme);
    for (const auto& x : tags)
      for (const auto& y : tags)
        for (const auto& z : tags) {
          std::vector<std::string> seq = {x, y, z};
          bool allowed = can_start(x, scheme) && can_follow(x, y, scheme) && can_follow(y, z, scheme) && can_end(z, scheme);
          EXPECT_EQ(allowed, find_ill_formed(seq, scheme).empty()) << x << " " << y << " " << z << " " << scheme_name(scheme);
        }
  }
}

TEST(Constraints, TagSet) {
  EXPECT_EQ(tag_set({"PER"}, Scheme::kBio), (std::vector<std::string>{"O", "B-PER", "I-PER"}));
  EXPECT_EQ(tag_set({"X"}, Scheme::kBmes), (std::vector<std::string>{"O", "B-X", "M-X", "E-X", "S-X"}));
}

}  // namespace
}  // namespace data
