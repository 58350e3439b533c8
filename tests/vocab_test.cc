#include "data/vocab.h"

#include <gtest/gtest.h>

#include <sstream>

#include "data/error.h"

namespace data {
namespace {

TEST(Vocab, FreezeOrdersByCountThenKeyAndAppliesMinCount) {
  Vocab vocab;
  for (const char* key : {"b", "a", "c", "a", "b", "a", "d"}) vocab.count(key);
  vocab.freeze(/*min_count=*/1);
  EXPECT_EQ(vocab.keys(), (std::vector<std::string>{"<pad>", "<unk>", "a", "b", "c", "d"}));
  EXPECT_EQ(vocab.id("a"), 2);
  EXPECT_EQ(vocab.id("zzz"), Vocab::kUnk);

  Vocab pruned;
  for (const char* key : {"b", "a", "c", "a", "b", "a", "d"}) pruned.count(key);
  pruned.freeze(/*min_count=*/2);
  EXPECT_EQ(pruned.size(), 4u);
  EXPECT_EQ(pruned.id("c"), Vocab::kUnk);
}

TEST(Vocab, WithoutSpecialsForTags) {
  Vocab tags(/*with_specials=*/false);
  tags.count("O", 5);
  tags.count("B-PER");
  tags.freeze();
  EXPECT_EQ(tags.keys(), (std::vector<std::string>{"O", "B-PER"}));
  EXPECT_EQ(tags.id("I-PER"), Vocab::kMissing);
}

TEST(Vocab, SaveLoadRoundTripsAndRejectsDamage) {
  Vocab vocab;
  for (const char* key : {"中", "文", "中", "😀"}) vocab.count(key);
  vocab.freeze();
  std::stringstream stream;
  vocab.save(stream);
  std::string bytes = stream.str();
  std::istringstream in(bytes);
  Vocab loaded = Vocab::load(in, "m");
  EXPECT_EQ(loaded.keys(), vocab.keys());
  EXPECT_EQ(loaded.id("中"), vocab.id("中"));

  std::istringstream truncated(bytes.substr(0, bytes.size() - 2));
  EXPECT_THROW(Vocab::load(truncated, "m"), Error);
}

}  // namespace
}  // namespace data

namespace data {
namespace {

TEST(Vocab, FromKeysKeepsTheOrder) {
  Vocab tags = Vocab::from_keys({"O", "B-X", "I-X"}, /*with_specials=*/false);
  EXPECT_TRUE(tags.frozen());
  EXPECT_EQ(tags.keys(), (std::vector<std::string>{"O", "B-X", "I-X"}));
  Vocab chars = Vocab::from_keys({"a"}, /*with_specials=*/true);
  EXPECT_EQ(chars.keys(), (std::vector<std::string>{"<pad>", "<unk>", "a"}));
}

}  // namespace
}  // namespace data
