// The counts in the corpora folder's README.md hold for our readers. Skipped when the corpora are absent.
#include <gtest/gtest.h>

#include <map>

#include "data/corpus.h"
#include "data/tag_scheme.h"
#include "ner/evaluation/stats.h"
#include "tests/test_support.h"

namespace {

struct Expected {
  const char* file;
  std::size_t sentences, characters, entities;
};

TEST(RealCorpora, CountsMatchTheDataReadme) {
  std::string dir = test_support::corpora_dir();
  SKIP_WITHOUT_CORPORA(dir);
  const Expected expected[] = {
      {"resume/train.char.bmes", 3821, 124099, 13440}, {"resume/dev.char.bmes", 463, 13890, 1497},
      {"resume/test.char.bmes", 477, 15100, 1630},     {"msra/train.bio", 42000, 2028650, 0},
      {"msra/dev.bio", 3000, 142923, 0},               {"msra/test.bio", 3442, 172601, 0},
  };
  for (const Expected& e : expected) {
    ner::CorpusStats stats = ner::corpus_stats(data::read_corpus(dir + "/" + e.file));
    EXPECT_EQ(stats.sentences, e.sentences) << e.file;
    EXPECT_EQ(stats.tokens, e.characters) << e.file;
    if (e.entities) {
      EXPECT_EQ(stats.entities, e.entities) << e.file;
    }
  }
}

TEST(RealCorpora, ResumeTrainPerTypeAndTheTwoCutEntities) {
  std::string dir = test_support::corpora_dir();
  SKIP_WITHOUT_CORPORA(dir);
  ner::CorpusStats stats = ner::corpus_stats(data::read_corpus(dir + "/resume/train.char.bmes"));
  EXPECT_EQ(stats.scheme, data::Scheme::kBmes);
  EXPECT_EQ(stats.entities_per_type,
            (std::map<std::string, std::size_t>{{"CONT", 260}, {"EDU", 858}, {"LOC", 47}, {"NAME", 952},
                                                {"ORG", 4613}, {"PRO", 287}, {"RACE", 115}, {"TITLE", 6308}}));
  // Sentences 1837 and 1894 begin with M-ORG: each is reported, and so is the open entity before each.
  data::Corpus corpus = data::read_corpus(dir + "/resume/train.char.bmes");
  EXPECT_EQ(corpus.sentences[1836].tags[0], "M-ORG");
  EXPECT_EQ(corpus.sentences[1893].tags[0], "M-ORG");
  EXPECT_EQ(stats.ill_formed.size(), 4u);
}

TEST(RealCorpora, MsraIsWellFormedBio) {
  std::string dir = test_support::corpora_dir();
  SKIP_WITHOUT_CORPORA(dir);
  ner::CorpusStats stats = ner::corpus_stats(data::read_corpus(dir + "/msra/test.bio"));
  EXPECT_EQ(stats.scheme, data::Scheme::kBio);
  EXPECT_TRUE(stats.ill_formed.empty());
  EXPECT_EQ(stats.longest, 2427u);
}

}  // namespace
