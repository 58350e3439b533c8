#include "ner/report.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

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
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1100px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f2f2f2; } td.text, th.text { text-align: left; }
.gold { border-bottom: 3px solid #2a7d2a; } .pred { background: #ffe08a; }
.type { font-size: 10px; vertical-align: super; color: #555; } .focus { outline: 2px solid #c00000; }
.example { margin-bottom: 10px; }
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

// The tokens with the entities of `tags` marked with `css_class` and their type; the entity the example is about
// (`focus`) is outlined.
std::string highlighted(const std::vector<std::string>& tokens, const std::vector<std::string>& tags, const char* css_class,
                        const std::optional<data::Span>& focus) {
  std::string html;
  std::size_t t = 0;
  for (const data::Span& span : data::chunks(tags)) {
    for (; t < span.begin; ++t) html += escape(tokens[t]);
    html += std::string("<span class=\"") + css_class + (focus && span == *focus ? " focus" : "") + "\">";
    for (; t < span.end; ++t) html += escape(tokens[t]);
    html += "<span class=\"type\">" + escape(span.type) + "</span></span>";
  }
  for (; t < tokens.size(); ++t) html += escape(tokens[t]);
  return html;
}

std::string page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>" + kStyle +
         "</head><body><h1>" + escape(title) + "</h1>" + body + "</body></html>\n";
}

}  // namespace

std::string training_report_html(const std::string& model_path, const nlohmann::json& metrics, const nlohmann::json& configuration) {
  Series loss{"loss per sentence", "#c00000", {}};
  Series precision{"precision", "#4472c4", {}}, recall{"recall", "#ed7d31", {}}, f1{"F1", "#2a7d2a", {}};
  std::string rows;
  for (const nlohmann::json& r : metrics) {
    loss.values.push_back(r.value("loss", 0.0));
    precision.values.push_back(r.value("dev_precision", 0.0));
    recall.values.push_back(r.value("dev_recall", 0.0));
    f1.values.push_back(r.value("dev_f1", 0.0));
    rows += "<tr><td>" + std::to_string(r.value("epoch", 0)) + "</td><td>" + number(r.value("loss", 0.0), 4) + "</td><td>" +
            number(r.value("dev_precision", 0.0)) + "</td><td>" + number(r.value("dev_recall", 0.0)) + "</td><td>" +
            number(r.value("dev_f1", 0.0)) + "</td><td>" + number(r.value("train_chars_per_s", 0.0), 0) + "</td><td>" +
            number(r.value("seconds", 0.0), 1) + "</td><td class=\"text\">" + (r.value("best", false) ? "best so far" : "") + "</td></tr>";
  }
  std::string body = "<p>Model: <code>" + escape(model_path) + "</code></p>";
  body += "<h2>Training loss</h2>" + line_chart("loss-chart", "training loss (per sentence)", {loss});
  body += "<h2>Development set</h2>" + line_chart("dev-chart", "dev precision, recall and F1 (%)", {precision, recall, f1});
  body += "<h2>Epochs</h2><table id=\"epochs\"><tr><th>epoch</th><th>loss</th><th>dev P</th><th>dev R</th><th>dev F1</th>"
          "<th>chars/s</th><th>seconds</th><th class=\"text\"></th></tr>" + rows + "</table>";
  body += "<h2>Configuration</h2><pre id=\"configuration\">" + escape(configuration.dump(2)) + "</pre>";
  return page("Training report", body);
}

std::string evaluation_report_html(const std::string& gold_path, const std::string& model_path, const Evaluation& evaluation,
                                   const std::vector<ErrorExample>& examples) {
  std::vector<std::pair<std::string, ChunkCounts>> rows{{"all", evaluation.total()}};
  for (const auto& [type, counts] : evaluation.per_type()) rows.emplace_back(type, counts);
  std::string body = "<p>Gold: <code>" + escape(gold_path) + "</code>; model: <code>" + escape(model_path) + "</code>; " +
                     std::to_string(evaluation.tokens()) + " tokens, tag accuracy " + number(evaluation.accuracy()) + "%.</p>";
  body += "<h2>Scores per type</h2>" + score_bars(rows);
  body += "<table id=\"scores\"><tr><th class=\"text\">type</th><th>gold</th><th>predicted</th><th>correct</th><th>precision</th>"
          "<th>recall</th><th>F1</th></tr>";
  for (const auto& [type, c] : rows)
    body += "<tr><td class=\"text\">" + escape(type) + "</td><td>" + std::to_string(c.gold) + "</td><td>" + std::to_string(c.found) +
            "</td><td>" + std::to_string(c.correct) + "</td><td>" + number(c.precision()) + "</td><td>" + number(c.recall()) +
            "</td><td>" + number(c.f1()) + "</td></tr>";
  body += "</table>";

  // Error kinds per type (a spurious entity counts under its predicted type).
  std::map<std::string, std::array<std::size_t, kErrorKinds>> counts;
  std::array<std::size_t, kErrorKinds> totals{};
  for (const ErrorExample& e : examples) {
    const std::string& type = e.error.gold ? e.error.gold->type : e.error.predicted->type;
    ++counts[type][static_cast<std::size_t>(e.error.kind)];
    ++totals[static_cast<std::size_t>(e.error.kind)];
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

  body += "<h2>Examples</h2><p class=\"legend\"><span><span class=\"gold\">gold entity</span></span>"
          "<span><span class=\"pred\">predicted entity</span></span><span><span class=\"focus\">the entity in error</span></span>"
          "(up to 5 sentences per kind)</p>";
  for (int k = 0; k < kErrorKinds; ++k) {
    const ErrorKind kind = static_cast<ErrorKind>(k);
    body += "<h3>" + error_kind_name(kind) + " (" + std::to_string(totals[static_cast<std::size_t>(k)]) + ")</h3>";
    int shown = 0;
    for (const ErrorExample& e : examples) {
      if (e.error.kind != kind || shown == 5) continue;
      ++shown;
      body += "<div class=\"example\"><p class=\"sentence\">gold: " + highlighted(e.tokens, e.gold, "gold", e.error.gold) +
              "</p><p class=\"sentence\">predicted: " + highlighted(e.tokens, e.predicted, "pred", e.error.predicted) + "</p></div>";
    }
  }
  return page("Evaluation report", body);
}

}  // namespace ner
