// Scoring against outputs of conlleval (2004-01-26) on hand-made files: the expected strings of the BIO and bracket
// inputs below are what the Perl script printed for the same input; those with E- and S- follow the BIOES rules it
// lacks (ner/evaluation/evaluate.h), and BioAndWellFormedBioesCountLikeSpanMatching shows that on well-formed BIOES and BMES the
// entity counts are those of the same spans in BIO.
#include "ner/evaluation/evaluate.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "data/error.h"
#include "data/tag_scheme.h"
#include "tests/test_support.h"

namespace ner {
namespace {

// What ner score prints for this file.
std::string report(const std::string& input) { return conlleval_report(score_conll_predictions(input, "t")); }

TEST(Conlleval, MixedErrorsByteForByte) {
  const std::string input =
      "张 B-PER B-PER\n伟 I-PER I-PER\n在 O O\n北 B-LOC B-ORG\n京 I-LOC I-ORG\n\n"
      "上 I-LOC B-LOC\n海 I-LOC I-LOC\n市 O I-LOC\n\n"
      "中 B-ORG O\n国 I-ORG O\n银 B-ORG B-ORG\n行 I-ORG B-ORG\n李 O B-PER\n";
  EXPECT_EQ(report(input),
            "processed 13 tokens with 5 phrases; found: 6 phrases; correct: 1.\n"
            "accuracy:  38.46%; precision:  16.67%; recall:  20.00%; FB1:  18.18\n"
            "              LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n"
            "              ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  3\n"
            "              PER: precision:  50.00%; recall: 100.00%; FB1:  66.67  2\n");
}

TEST(Conlleval, NoEntities) {
  EXPECT_EQ(report("a O O\nb O O\n"),
            "processed 2 tokens with 0 phrases; found: 0 phrases; correct: 0.\n"
            "accuracy: 100.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00\n");
}

TEST(Conlleval, BoundaryLinesAndTypesOnOneSide) {
  EXPECT_EQ(report("a B-X O\nb O B-Y\n-X- O O\nc I-Z I-Z\n"),
            "processed 3 tokens with 2 phrases; found: 2 phrases; correct: 1.\n"
            "accuracy:  33.33%; precision:  50.00%; recall:  50.00%; FB1:  50.00\n"
            "                X: precision:   0.00%; recall:   0.00%; FB1:   0.00  0\n"
            "                Y: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n"
            "                Z: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n");
}

TEST(Conlleval, WellFormedBmesCountsLikeBio) {
  // The same entities written in well-formed BMES and in BIO give the same entity counts (tag accuracy differs:
  // M- against E- is a wrong tag where I- against I- is right).
  const std::string bmes = "张 B-PER B-PER\n伟 E-PER E-PER\n在 O S-LOC\n\n北 B-ORG B-ORG\n京 M-ORG E-ORG\n大 E-ORG O\n";
  const std::string bio = "张 B-PER B-PER\n伟 I-PER I-PER\n在 O B-LOC\n\n北 B-ORG B-ORG\n京 I-ORG I-ORG\n大 I-ORG O\n";
  const Evaluation from_bmes = score_conll_predictions(bmes, "t"), from_bio = score_conll_predictions(bio, "t");
  EXPECT_EQ(json_report(from_bmes).substr(json_report(from_bmes).find(",\"correct\"")),
            json_report(from_bio).substr(json_report(from_bio).find(",\"correct\"")));
  EXPECT_EQ(from_bmes.correct_tags(), 3u);
  EXPECT_EQ(from_bio.correct_tags(), 4u);
}

TEST(Conlleval, TabsExtraColumnsAndCrlf) {
  Evaluation e = score_conll_predictions("张\tx\tB-PER\tB-PER\r\n伟\tx\tI-PER\tI-PER\r\n", "t");
  EXPECT_EQ(e.tokens(), 2u);
  EXPECT_EQ(e.total().correct, 1u);
}

TEST(Conlleval, MalformedLinesAreErrors) {
  EXPECT_THROW(score_conll_predictions("a O\n", "t"), data::Error);
  try {
    score_conll_predictions("a O O\nb O PER\n", "p.txt");
    FAIL();
  } catch (const data::Error& e) {
    EXPECT_STREQ(e.what(), "p.txt:2: malformed tag 'PER' (expected O or B-/I-/M-/E-/S-/[-/]-/.-TYPE)");
  }
}

TEST(Conlleval, JsonHasTheSameNumbers) {
  Evaluation e = score_conll_predictions("a B-X B-X\nb O B-Y\n", "t");
  EXPECT_EQ(json_report(e),
            "{\"accuracy\":50.0,\"correct\":1,\"f1\":66.66666666666667,\"found\":2,\"gold\":1,\"precision\":50.0,"
            "\"recall\":100.0,\"tokens\":2,\"types\":{\"X\":{\"correct\":1,\"f1\":100.0,\"found\":1,\"gold\":1,"
            "\"precision\":100.0,\"recall\":100.0},\"Y\":{\"correct\":0,\"f1\":0.0,\"found\":1,\"gold\":0,"
            "\"precision\":0.0,\"recall\":0.0}}}");
}

// conlleval's rules (prefix pairs: a chunk ends after B/I before B S O, after E/S before B I E S O; one starts at B/S
// after B I O E S, at I/E after O E S; any typed tag ends and starts a chunk when the type changes; a predicted chunk
// is correct when it starts with a gold one of its type and both end at the same token).
//   a S-PER B-PER  both start (O->S, O->B), same type: gold 1, found 1, open together
//   b S-PER E-PER  gold ends (S->S) and starts again, predicted goes on (B->E): no longer together; gold 2
//   c O     I-PER  predicted starts at I after E: found 2; gold nothing
//   (blank)        PER: gold 2, found 2, correct 0
//   d S-LOC S-LOC  both start: gold 1, found 1, together
//   e E-LOC E-LOC  both end after S and start at E after S: correct 1, gold 2, found 2, together
//   f B-ORG S-ORG  both end (type changes): correct LOC 2; both start, same type: ORG gold 1, found 1, together
//   g I-ORG I-ORG  gold goes on (B->I), predicted ends after S and starts at I: ORG found 2, not together
// Tags right: d e g, 3 of 7.
TEST(Conlleval, IllFormedBioesByConllevalRules) {
  const std::string input = "a S-PER B-PER\nb S-PER E-PER\nc O I-PER\n\nd S-LOC S-LOC\ne E-LOC E-LOC\nf B-ORG S-ORG\ng I-ORG I-ORG\n";
  EXPECT_EQ(report(input),
            "processed 7 tokens with 5 phrases; found: 6 phrases; correct: 2.\n"
            "accuracy:  42.86%; precision:  33.33%; recall:  40.00%; FB1:  36.36\n"
            "              LOC: precision: 100.00%; recall: 100.00%; FB1: 100.00  2\n"
            "              ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  2\n"
            "              PER: precision:   0.00%; recall:   0.00%; FB1:   0.00  2\n");
}

// M- has no rule of its own: it neither ends a chunk after B- nor lets B- or S- of its type start one after it, so
// B-ORG M-ORG S-ORG is one chunk (read as BIO, S- after M- would start a second).
TEST(Conlleval, MReadAsAnUnknownPrefix) {
  Evaluation e = score_conll_predictions("a B-ORG B-ORG\nb M-ORG M-ORG\nc S-ORG S-ORG\nd O O\ne B-X M-X\nf O O\n", "t");
  // a-c: one chunk each side, correct. e: both start at B after O; f: both end (type changes after B and M): correct.
  EXPECT_EQ(e.total().gold, 2u);
  EXPECT_EQ(e.total().found, 2u);
  EXPECT_EQ(e.total().correct, 2u);
  EXPECT_EQ(e.correct_tags(), 5u);
}

// Bracket tags are one-token chunks: [ and ] start a chunk and end it at the next token; . neither starts nor ends
// one.  t1 [-NP [-NP: both start, together (gold 1, found 1).  t2 ]-NP .-NP: both end after [ (correct 1); gold starts
// at ] (gold 2), predicted does not start at .  t3 O O: nothing.
TEST(Conlleval, BracketTags) {
  EXPECT_EQ(report("a [-NP [-NP\nb ]-NP .-NP\nc O O\n"),
            "processed 3 tokens with 2 phrases; found: 1 phrases; correct: 1.\n"
            "accuracy:  66.67%; precision: 100.00%; recall:  50.00%; FB1:  66.67\n"
            "               NP: precision: 100.00%; recall:  50.00%; FB1:  66.67  1\n");
}

// A chunk open on both sides at the end of the file counts as correct, for the type of the last line read: after
// B-NP, .-NP ends nothing on either side (nor does the blank line after it), so the chunks opened together at B-NP are
// still together at the end; with the blank line last, the last type read is O's empty type, so NP's own count has
// no correct chunk (conlleval prints nothing for the empty type, which started no chunk).
TEST(Conlleval, ChunkOpenAtTheEndOfTheFile) {
  EXPECT_EQ(report("a B-NP B-NP\nb .-NP .-NP\n"),
            "processed 2 tokens with 1 phrases; found: 1 phrases; correct: 1.\n"
            "accuracy: 100.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00\n"
            "               NP: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n");
  EXPECT_EQ(report("a B-NP B-NP\nb .-NP .-NP\n\n"),
            "processed 2 tokens with 1 phrases; found: 1 phrases; correct: 1.\n"
            "accuracy: 100.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00\n"
            "               NP: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n");
  // .-Y after .-X neither ends nor starts a chunk: the chunk that started as X is correct as Y, which started none.
  EXPECT_EQ(report("a B-X B-X\nb .-X .-X\nc .-Y .-Y\n"),
            "processed 3 tokens with 1 phrases; found: 1 phrases; correct: 1.\n"
            "accuracy: 100.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00\n"
            "                X: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n");
}

// Perl reads the type "0" as false, so B-0 has conlleval's empty type, whose line is printed once for the gold and once
// for the found side.
TEST(Conlleval, TypeZeroIsTheEmptyType) {
  EXPECT_EQ(report("a B-0 B-0\n"),
            "processed 1 tokens with 1 phrases; found: 1 phrases; correct: 1.\n"
            "accuracy: 100.00%; precision: 100.00%; recall: 100.00%; FB1: 100.00\n"
            "                 : precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n"
            "                 : precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n");
}

TEST(Conlleval, EmptyFilePrintsZeroCounts) {
  const std::string zero = "processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n";
  EXPECT_EQ(report(""), zero);
  const std::string empty = test_support::temp_path("empty.txt"), blank = test_support::temp_path("blank.txt");
  test_support::write_file(empty, "");
  test_support::write_file(blank, "\n\n \n-X- O O\n");
  for (const std::string& path : {empty, blank}) {
    test_support::RunResult result = test_support::run_ner("score " + path);
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.out, zero);
  }
  // Without FILE, like conlleval, standard input is read.
  const std::string one = test_support::temp_path("one.txt");
  test_support::write_file(one, "张 B-PER B-PER\n伟 I-PER I-PER\n");
  const test_support::RunResult named = test_support::run_ner("score " + one), piped = test_support::run_ner("score < " + one);
  EXPECT_EQ(piped.status, 0) << piped.err;
  EXPECT_EQ(piped.out, named.out);
  EXPECT_NE(piped.out.find("found: 1 phrases; correct: 1."), std::string::npos) << piped.out;
}

// Random tag sequences: conlleval's counts equal the exact matches of today's chunks for any BIO sequence (well- or
// ill-formed) and for well-formed BIOES and BMES sequences.
TEST(Conlleval, BioAndWellFormedBioesCountLikeSpanMatching) {
  std::mt19937 rng(7);
  const std::vector<std::string> bio_tags = {"O", "B-X", "I-X", "B-Y", "I-Y"};
  auto random_bio = [&](std::size_t length) {
    std::vector<std::string> tags;
    for (std::size_t i = 0; i < length; ++i) tags.push_back(bio_tags[rng() % bio_tags.size()]);
    return tags;
  };
  // Each scheme: random BIO gold and predicted sentences, as they are or converted (well-formed) to the scheme.
  for (const auto& [convert, scheme] : {std::pair{false, data::Scheme::kBio}, std::pair{true, data::Scheme::kBioes},
                                        std::pair{true, data::Scheme::kBmes}}) {
    Evaluation evaluation;
    ChunkCounts expected;
    for (int sentence = 0; sentence < 300; ++sentence) {
      const std::size_t length = 1 + rng() % 8;
      std::vector<std::string> gold = random_bio(length), predicted = random_bio(length);
      if (convert) {
        gold = data::convert_tags(gold, scheme);
        predicted = data::convert_tags(predicted, scheme);
      }
      evaluation.add(gold, predicted);
      const std::vector<data::Span> gold_spans = data::chunks(gold), found_spans = data::chunks(predicted);
      const std::set<data::Span> gold_set(gold_spans.begin(), gold_spans.end());
      expected.gold += gold_spans.size();
      expected.found += found_spans.size();
      // Exact matches of predicted entities.
      for (const data::Span& span : found_spans) expected.correct += gold_set.count(span);
    }
    EXPECT_EQ(evaluation.total().gold, expected.gold) << data::scheme_name(scheme);
    EXPECT_EQ(evaluation.total().found, expected.found) << data::scheme_name(scheme);
    EXPECT_EQ(evaluation.total().correct, expected.correct) << data::scheme_name(scheme);
  }
}

// The same random spans written in BIO and in well-formed BIOES: every entity count, overall and per type, is the
// same (what conlleval prints for the BIO file); only the token accuracy may differ.
TEST(Conlleval, WellFormedBioesCountsAsTheSameSpansInBio) {
  std::mt19937 rng(11);
  const std::vector<std::string> bio_tags = {"O", "B-X", "I-X", "B-Y", "I-Y"};
  Evaluation bio, bioes;
  for (int sentence = 0; sentence < 300; ++sentence) {
    std::vector<std::string> gold, predicted;
    for (std::size_t i = 0, length = 1 + rng() % 8; i < length; ++i) {
      gold.push_back(bio_tags[rng() % bio_tags.size()]);
      predicted.push_back(bio_tags[rng() % bio_tags.size()]);
    }
    gold = data::convert_tags(gold, data::Scheme::kBio);  // well-formed BIO: I- after O becomes B-
    predicted = data::convert_tags(predicted, data::Scheme::kBio);
    bio.add(gold, predicted);
    bioes.add(data::convert_tags(gold, data::Scheme::kBioes), data::convert_tags(predicted, data::Scheme::kBioes));
  }
  const std::string from_bio = json_report(bio), from_bioes = json_report(bioes);
  EXPECT_EQ(from_bioes.substr(from_bioes.find(",\"correct\"")), from_bio.substr(from_bio.find(",\"correct\"")));
  EXPECT_GT(bio.total().correct, 0u);
}

}  // namespace
}  // namespace ner
