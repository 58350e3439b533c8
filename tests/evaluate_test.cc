// Scoring against outputs of conlleval (2004-01-26) on hand-made files: the expected strings below are what the
// Perl script printed for the same input.
#include "ner/evaluate.h"

#include <gtest/gtest.h>

#include "data/error.h"

namespace ner {
namespace {

TEST(Conlleval, MixedErrorsByteForByte) {
  const std::string input =
      "张 B-PER B-PER\n伟 I-PER I-PER\n在 O O\n北 B-LOC B-ORG\n京 I-LOC I-ORG\n\n"
      "上 I-LOC B-LOC\n海 I-LOC I-LOC\n市 O I-LOC\n\n"
      "中 B-ORG O\n国 I-ORG O\n银 B-ORG B-ORG\n行 I-ORG B-ORG\n李 O B-PER\n";
  EXPECT_EQ(conlleval_report(score_conll_predictions(input, "t")),
            "processed 13 tokens with 5 phrases; found: 6 phrases; correct: 1.\n"
            "accuracy:  38.46%; precision:  16.67%; recall:  20.00%; FB1:  18.18\n"
            "              LOC: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n"
            "              ORG: precision:   0.00%; recall:   0.00%; FB1:   0.00  3\n"
            "              PER: precision:  50.00%; recall: 100.00%; FB1:  66.67  2\n");
}

TEST(Conlleval, NoEntities) {
  EXPECT_EQ(conlleval_report(score_conll_predictions("a O O\nb O O\n", "t")),
            "processed 2 tokens with 0 phrases; found: 0 phrases; correct: 0.\n"
            "accuracy: 100.00%; precision:   0.00%; recall:   0.00%; FB1:   0.00\n");
}

TEST(Conlleval, BoundaryLinesAndTypesOnOneSide) {
  EXPECT_EQ(conlleval_report(score_conll_predictions("a B-X O\nb O B-Y\n-X- O O\nc I-Z I-Z\n", "t")),
            "processed 3 tokens with 2 phrases; found: 2 phrases; correct: 1.\n"
            "accuracy:  33.33%; precision:  50.00%; recall:  50.00%; FB1:  50.00\n"
            "                X: precision:   0.00%; recall:   0.00%; FB1:   0.00  0\n"
            "                Y: precision:   0.00%; recall:   0.00%; FB1:   0.00  1\n"
            "                Z: precision: 100.00%; recall: 100.00%; FB1: 100.00  1\n");
}

TEST(Conlleval, BmesScoresAsBio) {
  // The same entities written in BMES and in BIO give the same report.
  const std::string bmes = "张 B-PER B-PER\n伟 E-PER E-PER\n在 O S-LOC\n\n北 B-ORG B-ORG\n京 M-ORG E-ORG\n大 E-ORG O\n";
  const std::string bio = "张 B-PER B-PER\n伟 I-PER I-PER\n在 O B-LOC\n\n北 B-ORG B-ORG\n京 I-ORG I-ORG\n大 I-ORG O\n";
  EXPECT_EQ(conlleval_report(score_conll_predictions(bmes, "t")), conlleval_report(score_conll_predictions(bio, "t")));
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
    EXPECT_STREQ(e.what(), "p.txt:2: malformed tag 'PER' (expected O or B-/I-/M-/E-/S-TYPE)");
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

}  // namespace
}  // namespace ner
