#include "ner/evaluation/report.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

namespace ner {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string number(double value, int decimals = 2) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

const char* kStyle = R"(<style>
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei",
  "PingFang SC", "Hiragino Sans GB", sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f2f2f2; } td.text, th.text { text-align: left; }
.gold { border-bottom: 3px solid #2a7d2a; } .pred { background: #ffe08a; }
.type { font-size: 10px; vertical-align: super; color: #555; } .focus { outline: 2px solid #c00000; }
.example { margin-bottom: 12px; } .where { font-size: 12px; color: #555; margin: 0; }
td.correct { background: #e3f1e3; } td.zero { color: #bbb; } .more { font-style: italic; }
.legend span { margin-right: 16px; } .sentence { font-size: 18px; margin: 2px 0; }
pre { background: #f6f6f6; padding: 8px; overflow-x: auto; }
</style>)";

struct Series {
  std::string name, color;
  std::vector<double> values;
};

// A line chart of series over epochs 1..n, with axes, ticks and a legend.
std::string line_chart(const std::string& id, const std::string& title, const std::vector<Series>& series) {
  const double width = 520, height = 300, left = 56, right = 16, top = 34, bottom = 40;
  double low = INFINITY, high = -INFINITY;
  std::size_t n = 0;
  for (const Series& s : series)
    for (double v : s.values) low = std::min(low, v), high = std::max(high, v), n = std::max(n, s.values.size());
  if (n == 0) return "";
  if (high - low < 1e-9) high = low + 1;
  auto x = [&](std::size_t e) { return left + (n == 1 ? 0.5 : static_cast<double>(e) / static_cast<double>(n - 1)) * (width - left - right); };
  auto y = [&](double v) { return top + (high - v) / (high - low) * (height - top - bottom); };
  std::string svg = "<svg id=\"" + id + "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(width, 0) + "\" height=\"" +
                    number(height, 0) + "\" role=\"img\"><title>" + escape(title) + "</title>";
  svg += "<text x=\"" + number(left, 0) + "\" y=\"18\" font-size=\"14\" font-weight=\"bold\">" + escape(title) + "</text>";
  svg += "<rect x=\"" + number(left) + "\" y=\"" + number(top) + "\" width=\"" + number(width - left - right) + "\" height=\"" +
         number(height - top - bottom) + "\" fill=\"none\" stroke=\"#999\"/>";
  for (int k = 0; k <= 4; ++k) {  // five y ticks
    const double v = low + (high - low) * k / 4;
    svg += "<text x=\"" + number(left - 4) + "\" y=\"" + number(y(v) + 4) + "\" font-size=\"10\" text-anchor=\"end\">" +
           number(v, high - low < 5 ? 2 : 1) + "</text>";
  }
  const std::size_t step = std::max<std::size_t>(1, n / 10);
  for (std::size_t e = 0; e < n; e += step)
    svg += "<text x=\"" + number(x(e)) + "\" y=\"" + number(height - bottom + 14) + "\" font-size=\"10\" text-anchor=\"middle\">" +
           std::to_string(e + 1) + "</text>";
  svg += "<text x=\"" + number((left + width) / 2) + "\" y=\"" + number(height - 6) + "\" font-size=\"11\" text-anchor=\"middle\">epoch</text>";
  double legend_x = left + 8;
  for (const Series& s : series) {
    std::string points;
    for (std::size_t e = 0; e < s.values.size(); ++e) points += number(x(e)) + "," + number(y(s.values[e])) + " ";
    svg += "<polyline class=\"series\" fill=\"none\" stroke=\"" + s.color + "\" stroke-width=\"2\" points=\"" + points + "\"/>";
    svg += "<text x=\"" + number(legend_x) + "\" y=\"" + number(top + 14) + "\" font-size=\"11\" fill=\"" + s.color + "\">" +
           escape(s.name) + "</text>";
    legend_x += 12 + 7 * static_cast<double>(s.name.size());
  }
  return svg + "</svg>";
}

// Horizontal bars of precision, recall and F1 (0–100) for each row label.
std::string score_bars(const std::vector<std::pair<std::string, ChunkCounts>>& rows) {
  const double label_width = 90, bar_width = 360, row_height = 54;
  const double height = 20 + row_height * static_cast<double>(rows.size());
  std::string svg = "<svg id=\"type-scores\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(label_width + bar_width + 70, 0) +
                    "\" height=\"" + number(height, 0) + "\" role=\"img\"><title>precision, recall and F1 per type</title>";
  const char* colors[] = {"#4472c4", "#ed7d31", "#2a7d2a"};
  const char* names[] = {"P", "R", "F1"};
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const double top = 10 + row_height * static_cast<double>(r);
    svg += "<text x=\"0\" y=\"" + number(top + 26) + "\" font-size=\"13\">" + escape(rows[r].first) + "</text>";
    const double values[] = {rows[r].second.precision(), rows[r].second.recall(), rows[r].second.f1()};
    for (int k = 0; k < 3; ++k) {
      const double y = top + 15 * k;
      svg += "<rect class=\"bar\" x=\"" + number(label_width) + "\" y=\"" + number(y) + "\" width=\"" +
             number(bar_width * values[k] / 100) + "\" height=\"13\" fill=\"" + colors[k] + "\"/>";
      svg += "<text x=\"" + number(label_width + bar_width * values[k] / 100 + 4) + "\" y=\"" + number(y + 11) +
             "\" font-size=\"10\">" + names[k] + " " + number(values[k]) + "</text>";
    }
  }
  return svg + "</svg>";
}

// The tokens with the entities of `tags` marked with `css_class` and their type; the entities in error (`focus`)
// are outlined.
std::string highlighted(const std::vector<std::string>& tokens, const std::vector<std::string>& tags, const char* css_class,
                        const std::vector<data::Span>& focus) {
  std::string html;
  std::size_t t = 0;
  for (const data::Span& span : data::chunks(tags)) {
    for (; t < span.begin; ++t) html += escape(tokens[t]);
    const bool in_error = std::find(focus.begin(), focus.end(), span) != focus.end();
    html += std::string("<span class=\"") + css_class + (in_error ? " focus" : "") + "\">";
    for (; t < span.end; ++t) html += escape(tokens[t]);
    html += "<span class=\"type\">" + escape(span.type) + "</span></span>";
  }
  for (; t < tokens.size(); ++t) html += escape(tokens[t]);
  return html;
}

// The text of a span of tokens, quoted.
std::string quoted(const std::vector<std::string>& tokens, const data::Span& span) {
  std::string text;
  for (std::size_t t = span.begin; t < span.end; ++t) text += tokens[t];
  return "「" + escape(text) + "」";
}

// One error in words, e.g. "wrong type 「北京」 LOC → ORG".
std::string describe(const std::vector<std::string>& tokens, const EntityError& error) {
  const std::string kind = error_kind_name(error.kind);
  switch (error.kind) {
    case ErrorKind::kMissed: return kind + " " + escape(error.gold->type) + " " + quoted(tokens, *error.gold);
    case ErrorKind::kSpurious: return kind + " " + escape(error.predicted->type) + " " + quoted(tokens, *error.predicted);
    case ErrorKind::kWrongType:
      return kind + " " + quoted(tokens, *error.gold) + " " + escape(error.gold->type) + " → " + escape(error.predicted->type);
    case ErrorKind::kWrongBoundary:
      return kind + " " + escape(error.gold->type) + " " + quoted(tokens, *error.gold) + " predicted " +
             escape(error.predicted->type) + " " + quoted(tokens, *error.predicted);
  }
  return kind;
}

// One sentence with its corpus line, its errors in words, and the gold and predicted entities with those in error
// outlined.
std::string example_html(const ErrorExample& e) {
  std::vector<data::Span> gold_focus, predicted_focus;
  std::string what;
  for (const EntityError& error : e.errors) {
    if (error.gold) gold_focus.push_back(*error.gold);
    if (error.predicted) predicted_focus.push_back(*error.predicted);
    what += (what.empty() ? "" : "; ") + describe(e.tokens, error);
  }
  return "<div class=\"example\"><p class=\"where\">line " + std::to_string(e.line) + ": " + what +
         "</p><p class=\"sentence\">gold: " + highlighted(e.tokens, e.gold, "gold", gold_focus) +
         "</p><p class=\"sentence\">predicted: " + highlighted(e.tokens, e.predicted, "pred", predicted_focus) + "</p></div>";
}

// Rows of type, precision, recall and F1 (`id` names the table).
std::string score_table(const std::string& id, const std::vector<std::pair<std::string, ChunkCounts>>& rows) {
  std::string html = "<table id=\"" + id + "\"><tr><th class=\"text\">type</th><th>gold</th><th>predicted</th><th>correct</th>"
                     "<th>precision</th><th>recall</th><th>F1</th></tr>";
  for (const auto& [type, c] : rows)
    html += "<tr><td class=\"text\">" + escape(type) + "</td><td>" + std::to_string(c.gold) + "</td><td>" + std::to_string(c.found) +
            "</td><td>" + std::to_string(c.correct) + "</td><td>" + number(c.precision()) + "</td><td>" + number(c.recall()) +
            "</td><td>" + number(c.f1()) + "</td></tr>";
  return html + "</table>";
}

// "all" and then each type, as score_table's rows.
std::vector<std::pair<std::string, ChunkCounts>> score_rows(const Evaluation& evaluation) {
  std::vector<std::pair<std::string, ChunkCounts>> rows{{"all", evaluation.total()}};
  for (const auto& [type, counts] : evaluation.per_type()) rows.emplace_back(type, counts);
  return rows;
}

// Sentences, characters and entities per type of each corpus.
std::string corpora_table(const std::vector<std::pair<std::string, CorpusStats>>& corpora) {
  std::set<std::string> types;
  for (const auto& [role, stats] : corpora)
    for (const auto& [type, count] : stats.entities_per_type) types.insert(type);
  std::string html = "<table id=\"corpora\"><tr><th class=\"text\">corpus</th><th class=\"text\">file</th><th>sentences</th>"
                     "<th>characters</th><th>entities</th>";
  for (const std::string& type : types) html += "<th>" + escape(type) + "</th>";
  html += "</tr>";
  for (const auto& [role, stats] : corpora) {
    html += "<tr><td class=\"text\">" + escape(role) + "</td><td class=\"text\"><code>" + escape(stats.origin) + "</code></td><td>" +
            std::to_string(stats.sentences) + "</td><td>" + std::to_string(stats.tokens) + "</td><td>" +
            std::to_string(stats.entities) + "</td>";
    for (const std::string& type : types) {
      auto found = stats.entities_per_type.find(type);
      html += "<td>" + std::to_string(found == stats.entities_per_type.end() ? 0 : found->second) + "</td>";
    }
    html += "</tr>";
  }
  return html + "</table>";
}

// Why the run ended where the records end: patience ran out (as many epochs after the best as --patience allows),
// all --epochs ran, or neither (still running, or interrupted: --resume continues it).
std::string stop_reason(int epochs_run, int best_epoch, const nlohmann::json& training) {
  const int epochs = training.value("epochs", 0), patience = training.value("patience", 0);
  if (patience > 0 && epochs_run - best_epoch >= patience)
    return "stopped early: no better dev F1 for " + std::to_string(patience) + " epochs (--patience)";
  if (epochs_run >= epochs) return "ran all " + std::to_string(epochs) + " epochs (--epochs)";
  return "still running or interrupted after epoch " + std::to_string(epochs_run) + " of " + std::to_string(epochs) +
         " (--resume continues from the checkpoint)";
}

std::string page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>" + kStyle +
         "</head><body><h1>" + escape(title) + "</h1>" + body + "</body></html>\n";
}

}  // namespace

std::string training_report_html(const TrainingReport& report) {
  Series loss{"loss per character", "#c00000", {}};
  Series precision{"precision", "#4472c4", {}}, recall{"recall", "#ed7d31", {}}, f1{"F1", "#2a7d2a", {}};
  std::string rows;
  const nlohmann::json* best = nullptr;
  // One table row and one point per series for each epoch; the best is the last record marked best.
  for (const nlohmann::json& r : report.metrics) {
    loss.values.push_back(r.value("loss", 0.0));
    precision.values.push_back(r.value("dev_precision", 0.0));
    recall.values.push_back(r.value("dev_recall", 0.0));
    f1.values.push_back(r.value("dev_f1", 0.0));
    if (r.value("best", false)) best = &r;
    rows += "<tr><td>" + std::to_string(r.value("epoch", 0)) + "</td><td>" + number(r.value("loss", 0.0), 4) + "</td><td>" +
            number(r.value("dev_precision", 0.0)) + "</td><td>" + number(r.value("dev_recall", 0.0)) + "</td><td>" +
            number(r.value("dev_f1", 0.0)) + "</td><td>" + number(r.value("train_chars_per_s", 0.0), 0) + "</td><td>" +
            number(r.value("seconds", 0.0), 1) + "</td><td class=\"text\">" + (r.value("best", false) ? "best so far" : "") + "</td></tr>";
  }
  const int epochs_run = report.metrics.empty() ? 0 : report.metrics.back().value("epoch", 0);
  const int best_epoch = best ? best->value("epoch", 0) : 0;
  std::string body = "<p>Model: <code>" + escape(report.model_path) + "</code></p>";
  body += "<h2>Summary</h2><table id=\"summary\">";
  body += "<tr><th class=\"text\">best dev F1</th><td class=\"text\">" +
          (best ? number(best->value("dev_f1", 0.0)) + " at epoch " + std::to_string(best_epoch) : std::string("none yet")) + "</td></tr>";
  body += "<tr><th class=\"text\">epochs run</th><td class=\"text\">" + std::to_string(epochs_run) + "; " +
          escape(stop_reason(epochs_run, best_epoch, report.configuration.value("training", nlohmann::json::object()))) + "</td></tr>";
  if (report.test)
    body += "<tr><th class=\"text\">test F1 (best model)</th><td class=\"text\">" + number(report.test->total().f1()) + " (P " +
            number(report.test->total().precision()) + ", R " + number(report.test->total().recall()) + ")</td></tr>";
  body += "</table>";
  if (best) {
    body += "<h2>Best epoch on the dev set, per type</h2><table id=\"best-types\"><tr><th class=\"text\">type</th><th>precision</th>"
            "<th>recall</th><th>F1</th></tr><tr><td class=\"text\">all</td><td>" + number(best->value("dev_precision", 0.0)) + "</td><td>" +
            number(best->value("dev_recall", 0.0)) + "</td><td>" + number(best->value("dev_f1", 0.0)) + "</td></tr>";
    const nlohmann::json types = best->value("dev_types", nlohmann::json::object());
    for (const auto& [type, scores] : types.items())
      body += "<tr><td class=\"text\">" + escape(type) + "</td><td>" + number(scores.value("precision", 0.0)) + "</td><td>" +
              number(scores.value("recall", 0.0)) + "</td><td>" + number(scores.value("f1", 0.0)) + "</td></tr>";
    body += "</table>";
  }
  if (report.test) body += "<h2>Test set (best model)</h2>" + score_table("test-scores", score_rows(*report.test));
  if (!report.corpora.empty()) body += "<h2>Corpora</h2>" + corpora_table(report.corpora);
  body += "<h2>Training loss</h2>" + line_chart("loss-chart", "training loss (per character)", {loss});
  body += "<h2>Development set</h2>" + line_chart("dev-chart", "dev precision, recall and F1 (%)", {precision, recall, f1});
  body += "<h2>Epochs</h2><table id=\"epochs\"><tr><th>epoch</th><th>loss</th><th>dev P</th><th>dev R</th><th>dev F1</th>"
          "<th>chars/s</th><th>seconds</th><th class=\"text\"></th></tr>" + rows + "</table>";
  if (!report.command_line.empty()) body += "<h2>Command line</h2><pre id=\"command-line\">" + escape(report.command_line) + "</pre>";
  body += "<h2>Configuration</h2><pre id=\"configuration\">" + escape(report.configuration.dump(2)) + "</pre>";
  return page("Training report", body);
}

std::string evaluation_report_html(const std::string& gold_path, const std::string& model_path, const Evaluation& evaluation,
                                   const std::vector<ErrorExample>& examples) {
  const std::vector<std::pair<std::string, ChunkCounts>> rows = score_rows(evaluation);
  std::string body = "<p>Gold: <code>" + escape(gold_path) + "</code>; model: <code>" + escape(model_path) + "</code>; " +
                     std::to_string(evaluation.tokens()) + " tokens, tag accuracy " + number(evaluation.accuracy()) + "%.</p>";
  body += "<h2>Scores per type</h2>" + score_bars(rows) + score_table("scores", rows);

  // Error kinds per type (a spurious entity counts under its predicted type), and the confusion of types: gold
  // type × predicted type for exact spans (the diagonal is correct, the rest wrong types), missed and spurious.
  std::map<std::string, std::array<std::size_t, kErrorKinds>> counts;
  std::array<std::size_t, kErrorKinds> totals{};
  std::map<std::pair<std::string, std::string>, std::size_t> confused;
  std::map<std::string, std::size_t> missed, spurious;
  for (const ErrorExample& e : examples)
    for (const EntityError& error : e.errors) {
      const std::string& type = error.gold ? error.gold->type : error.predicted->type;
      ++counts[type][static_cast<std::size_t>(error.kind)];
      ++totals[static_cast<std::size_t>(error.kind)];
      if (error.kind == ErrorKind::kWrongType) ++confused[{error.gold->type, error.predicted->type}];
      if (error.kind == ErrorKind::kMissed) ++missed[type];
      if (error.kind == ErrorKind::kSpurious) ++spurious[type];
    }
  body += "<h2>Errors</h2><table id=\"errors\"><tr><th class=\"text\">type</th>";
  for (int k = 0; k < kErrorKinds; ++k) body += "<th>" + error_kind_name(static_cast<ErrorKind>(k)) + "</th>";
  body += "</tr>";
  for (const auto& [type, row] : counts) {
    body += "<tr><td class=\"text\">" + escape(type) + "</td>";
    for (std::size_t n : row) body += "<td>" + std::to_string(n) + "</td>";
    body += "</tr>";
  }
  body += "<tr><th class=\"text\">all</th>";
  for (std::size_t n : totals) body += "<th>" + std::to_string(n) + "</th>";
  body += "</tr></table>";

  body += "<h2>Confusion of types</h2><p>Rows are gold types, columns predicted types, for entities whose span was "
          "found exactly (the diagonal is correct, the rest are wrong types); a gold entity that nothing overlaps is "
          "missed, a predicted entity that overlaps no gold one is spurious. Wrong boundaries are not counted here.</p>"
          "<table id=\"confusion\"><tr><th class=\"text\">gold \\ predicted</th>";
  for (const auto& [type, c] : evaluation.per_type()) body += "<th>" + escape(type) + "</th>";
  body += "<th>missed</th></tr>";
  auto cell = [](std::size_t n, const char* css_class = "") {
    return std::string("<td class=\"") + css_class + (n == 0 ? " zero" : "") + "\">" + std::to_string(n) + "</td>";
  };
  for (const auto& [gold_type, gold_counts] : evaluation.per_type()) {
    body += "<tr><th class=\"text\">" + escape(gold_type) + "</th>";
    for (const auto& [predicted_type, predicted_counts] : evaluation.per_type())
      body += predicted_type == gold_type ? cell(gold_counts.correct, "correct") : cell(confused[{gold_type, predicted_type}]);
    body += cell(missed[gold_type]) + "</tr>";
  }
  body += "<tr><th class=\"text\">spurious</th>";
  for (const auto& [type, c] : evaluation.per_type()) body += cell(spurious[type]);
  body += "<td></td></tr></table>";

  body += "<h2>Examples</h2><p class=\"legend\"><span><span class=\"gold\">gold entity</span></span>"
          "<span><span class=\"pred\">predicted entity</span></span><span><span class=\"focus\">an entity in error</span></span>"
          "Each sentence is shown once per kind of error it has, with its line in the corpus and all its errors.</p>";
  // Each kind's sentences, up to kExamplesPerKind of them and kExampleBytesPerKind of HTML.
  for (int k = 0; k < kErrorKinds; ++k) {
    const ErrorKind kind = static_cast<ErrorKind>(k);
    std::string shown;
    std::size_t sentences = 0, shown_sentences = 0;
    for (const ErrorExample& e : examples) {
      if (std::none_of(e.errors.begin(), e.errors.end(), [&](const EntityError& error) { return error.kind == kind; })) continue;
      ++sentences;
      if (shown_sentences == kExamplesPerKind) continue;
      const std::string html = example_html(e);
      if (shown.size() + html.size() > kExampleBytesPerKind) continue;
      shown += html;
      ++shown_sentences;
    }
    body += "<h3>" + error_kind_name(kind) + " (" + std::to_string(totals[static_cast<std::size_t>(k)]) + " in " +
            std::to_string(sentences) + " sentences)</h3>" + shown;
    if (shown_sentences < sentences)
      body += "<p class=\"more\">" + std::to_string(sentences - shown_sentences) + " more sentences with " + error_kind_name(kind) +
              " errors are not shown (at most " + std::to_string(kExamplesPerKind) + " sentences and " +
              std::to_string(kExampleBytesPerKind / 1000) + " kB per kind).</p>";
  }
  return page("Evaluation report", body);
}

}  // namespace ner
