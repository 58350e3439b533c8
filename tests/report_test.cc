// Error kinds on hand-made sentences, the evaluation report's examples and confusion table on hand-made errors,
// and the two HTML reports rendered by headless Chromium (the page must parse into the expected elements).
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "ner/evaluation/entity_errors.h"
#include "ner/evaluation/report.h"
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

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The text between the first `begin` and the `end` after it.
std::string between(const std::string& text, const std::string& begin, const std::string& end) {
  const std::size_t from = text.find(begin);
  if (from == std::string::npos) return "";
  return text.substr(from, text.find(end, from + begin.size()) - from);
}

// A sentence with two missed entities and a wrong type is one example under each of its kinds, with its line and
// every error; the confusion table counts the wrong type; past kExamplesPerKind sentences a line says how many more.
TEST(Reports, EvaluationExamplesAreOnePerSentenceWithLinesAndAConfusionTable) {
  const std::vector<std::string> tokens{"张", "三", "和", "李", "四", "在", "北", "京"};
  const std::vector<std::string> gold{"B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-LOC", "I-LOC"};
  const std::vector<std::string> predicted{"O", "O", "O", "O", "O", "O", "B-ORG", "I-ORG"};
  Evaluation evaluation;
  std::vector<ErrorExample> examples;
  for (std::size_t s = 0; s < kExamplesPerKind + 3; ++s) {
    evaluation.add(gold, predicted);
    examples.push_back({1 + 10 * s, tokens, gold, predicted, entity_errors(gold, predicted)});
  }
  ASSERT_EQ(examples[0].errors.size(), 3u);
  const std::string html = evaluation_report_html("gold.bio", "m.model", evaluation, examples);
  const std::string missed = between(html, "<h3>missed", "<h3>");
  EXPECT_NE(missed.find("missed (" + std::to_string(2 * (kExamplesPerKind + 3)) + " in " + std::to_string(kExamplesPerKind + 3) +
                        " sentences)"), std::string::npos) << missed.substr(0, 200);
  EXPECT_EQ(count(missed, "class=\"example\""), kExamplesPerKind) << "one example per sentence, up to the cap";
  EXPECT_NE(missed.find("<p class=\"more\">3 more sentences with missed errors"), std::string::npos);
  EXPECT_NE(missed.find("line 1: missed PER 「张三」; missed PER 「李四」; wrong type 「北京」 LOC → ORG</p>"), std::string::npos)
      << missed.substr(0, 600);
  EXPECT_NE(missed.find("line 11: "), std::string::npos);
  EXPECT_EQ(count(between(missed, "line 1:", "line 11:"), "focus"), 4u) << "two missed, the wrong type's gold and predicted";
  const std::string wrong_type = between(html, "<h3>wrong type", "<h3>");
  EXPECT_EQ(count(wrong_type, "class=\"example\""), kExamplesPerKind);
  // Gold rows LOC, ORG, PER; predicted columns LOC, ORG, PER, missed; then the spurious row.
  const std::string confusion = between(html, "<table id=\"confusion\">", "</table>");
  const std::string n = std::to_string(kExamplesPerKind + 3);
  EXPECT_NE(confusion.find("<tr><th class=\"text\">LOC</th><td class=\"correct zero\">0</td><td class=\"\">" + n + "</td>"),
            std::string::npos) << confusion;
  EXPECT_NE(confusion.find("<th class=\"text\">PER</th><td class=\" zero\">0</td><td class=\" zero\">0</td>"
                           "<td class=\"correct zero\">0</td><td class=\"\">" + std::to_string(2 * (kExamplesPerKind + 3)) + "</td>"),
            std::string::npos) << confusion;
  EXPECT_LT(html.size(), 4 * kExampleBytesPerKind + 100000) << "the examples' size is bounded";
  EXPECT_NE(html.find("\"Noto Sans CJK SC\""), std::string::npos) << "a CJK font stack";
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

TEST(Reports, TrainingAndEvaluationPagesRenderInChromium) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "chromium not installed (scripts/setup.sh installs it): the reports are not rendered";
  EXPECT_EQ(std::system("fc-list :lang=zh family | grep -q ."), 0)
      << "no font with Chinese glyphs (scripts/setup.sh installs fonts-wqy-zenhei): the pages would show boxes";
  const std::string sample = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";
  const std::string model = test_support::temp_path("m.model");
  auto trained = run_ner("train --train " + sample + " --dev " + sample + " --test " + sample + " --model " + model +
                         " --epochs 6 --hidden 16 --char-dim 16 --batch 4 --lr 0.02 --dropout 0.5 --seed 3");
  ASSERT_EQ(trained.status, 0) << trained.err;
  const std::string training = rendered_dom(model + ".report.html");
  EXPECT_NE(training.find("<h1>Training report</h1>"), std::string::npos) << training.substr(0, 300);
  EXPECT_NE(training.find("id=\"loss-chart\""), std::string::npos);
  EXPECT_NE(training.find("id=\"dev-chart\""), std::string::npos);
  EXPECT_EQ(count(training, "class=\"series\""), 4u) << "one loss line, three dev lines";
  EXPECT_EQ(count(between(training, "<table id=\"epochs\">", "</table>"), "<tr>"), 1u + 6u) << "a header and one row per epoch";
  EXPECT_NE(training.find("id=\"configuration\""), std::string::npos);
  // The summary, the best epoch per type, the corpora, the test score and the command line.
  const std::string summary = between(training, "<table id=\"summary\">", "</table>");
  EXPECT_NE(summary.find("best dev F1</th>"), std::string::npos) << summary;
  EXPECT_NE(summary.find("epochs run</th><td class=\"text\">6; ran all 6 epochs (--epochs)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("test F1 (best model)"), std::string::npos) << summary;
  EXPECT_EQ(count(between(training, "<table id=\"best-types\">", "</table>"), "<tr>"), 1u + 4u) << "header, all and 3 types";
  const std::string corpora = between(training, "<table id=\"corpora\">", "</table>");
  EXPECT_EQ(count(corpora, "<tr>"), 1u + 3u) << "header, train, dev and test";
  EXPECT_NE(corpora.find("<td>8</td><td>134</td>"), std::string::npos) << "the sample's sentences and characters\n" << corpora;
  EXPECT_EQ(count(between(training, "<table id=\"test-scores\">", "</table>"), "<tr>"), 1u + 4u);
  EXPECT_NE(between(training, "<pre id=\"command-line\">", "</pre>").find(" train --train " + sample), std::string::npos);
  EXPECT_NE(training.find("\"Noto Sans CJK SC\""), std::string::npos) << "a CJK font stack";

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
  EXPECT_NE(evaluation.find("id=\"confusion\""), std::string::npos);
  EXPECT_NE(evaluation.find("<p class=\"where\">line "), std::string::npos);
}

}  // namespace
}  // namespace ner
