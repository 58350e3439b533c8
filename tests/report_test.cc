// Error kinds on hand-made sentences, and the two HTML reports rendered by headless Chromium (the page must parse
// into the expected elements).
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "ner/entity_errors.h"
#include "tests/test_support.h"

namespace ner {
namespace {

using test_support::run_ner;
using test_support::slurp;

TEST(EntityErrors, EachKindOnHandMadeSentences) {
  //                                  0        1        2        3        4        5        6
  const std::vector<std::string> gold{"B-PER", "I-PER", "O",     "B-LOC", "I-LOC", "O",     "B-ORG"};
  const std::vector<std::string> pred{"B-PER", "I-PER", "B-ORG", "B-LOC", "O",     "O",     "B-LOC"};
  const std::vector<EntityError> errors = entity_errors(gold, pred);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].kind, ErrorKind::kWrongBoundary);  // LOC 3–5 predicted as LOC 3–4
  EXPECT_EQ(errors[0].gold, (data::Span{3, 5, "LOC"}));
  EXPECT_EQ(errors[0].predicted, (data::Span{3, 4, "LOC"}));
  EXPECT_EQ(errors[1].kind, ErrorKind::kWrongType);  // ORG 6 predicted as LOC 6
  EXPECT_EQ(errors[2].kind, ErrorKind::kSpurious);   // ORG 2 is not in gold
  EXPECT_EQ(errors[2].predicted, (data::Span{2, 3, "ORG"}));
  const std::vector<EntityError> missed = entity_errors({"B-PER", "E-PER", "O"}, {"O", "O", "O"});
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].kind, ErrorKind::kMissed);
  EXPECT_TRUE(entity_errors(gold, gold).empty());
}

// The DOM headless Chromium builds from an HTML file ("" when Chromium is not installed).
std::string rendered_dom(const std::string& html_path) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) return "";
  const std::string profile = test_support::temp_path("chromium-profile");
  const std::string out = test_support::temp_path("dom.html");
  const std::string command = "chromium --headless --no-sandbox --disable-gpu --user-data-dir=" + profile +
                              " --dump-dom file://" + html_path + " >" + out + " 2>/dev/null";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return slurp(out);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Reports, TrainingAndEvaluationPagesRenderInChromium) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "chromium not installed (scripts/setup.sh installs it): the reports are not rendered";
  const std::string sample = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";
  const std::string model = test_support::temp_path("m.model");
  auto trained = run_ner("train --train " + sample + " --dev " + sample + " --model " + model +
                         " --epochs 6 --hidden 16 --char-dim 16 --batch 4 --lr 0.02 --seed 3");
  ASSERT_EQ(trained.status, 0) << trained.err;
  const std::string training = rendered_dom(model + ".report.html");
  EXPECT_NE(training.find("<h1>Training report</h1>"), std::string::npos) << training.substr(0, 300);
  EXPECT_NE(training.find("id=\"loss-chart\""), std::string::npos);
  EXPECT_NE(training.find("id=\"dev-chart\""), std::string::npos);
  EXPECT_EQ(count(training, "class=\"series\""), 4u) << "one loss line, three dev lines";
  EXPECT_EQ(count(training, "<tr>"), 1u + 6u) << "a header and one row per epoch";
  EXPECT_NE(training.find("id=\"configuration\""), std::string::npos);

  const std::string report = test_support::temp_path("eval.html");
  auto evaluated = run_ner("eval --model " + model + " " + sample + " --report " + report);
  ASSERT_EQ(evaluated.status, 0) << evaluated.err;
  const std::string evaluation = rendered_dom(report);
  EXPECT_NE(evaluation.find("<h1>Evaluation report</h1>"), std::string::npos) << evaluation.substr(0, 300);
  EXPECT_NE(evaluation.find("id=\"type-scores\""), std::string::npos);
  EXPECT_EQ(count(evaluation, "class=\"bar\""), 3u * 4u) << "P, R and F1 for all and the 3 types";
  EXPECT_NE(evaluation.find("id=\"errors\""), std::string::npos);
  for (const char* kind : {"missed", "spurious", "wrong type", "wrong boundary"})
    EXPECT_NE(evaluation.find(std::string("<th>") + kind + "</th>"), std::string::npos) << kind;
  EXPECT_GT(count(evaluation, "class=\"example\""), 0u) << "a 6-epoch model makes errors to show";
}

}  // namespace
}  // namespace ner
