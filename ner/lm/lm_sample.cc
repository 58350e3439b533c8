#include "ner/lm/lm_sample.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "data/utf8.h"
#include "data/vocab.h"

namespace ner {

std::string sample_text(LanguageModel& lm, const SampleOptions& options) {
  assert(options.temperature > 0);
  data::check_utf8(options.prefix, "--prefix", 1);
  CharLm& model = options.backward ? lm.backward_model() : lm.forward_model();
  const data::Vocab& vocab = lm.vocab();
  std::vector<int> prefix = lm.encode(options.prefix);
  if (options.backward) std::reverse(prefix.begin(), prefix.end());
  nn::Rng rng(options.seed);
  nn::Vector log_p, weights(static_cast<nn::Index>(vocab.size()));
  model.reset_state();
  model.step(lm.line_end(), log_p);
  for (int id : prefix) model.step(id, log_p);
  std::vector<int> drawn;
  drawn.reserve(static_cast<std::size_t>(std::max(options.length, 0)));
  for (int n = 0; n < options.length; ++n) {
    // w_y = exp((log P(y) − max) / temperature), 0 for <pad> and <unk>; y drawn with probability w_y / Σ w
    const double top = log_p.maxCoeff();
    weights.array() = ((log_p.array() - static_cast<nn::Real>(top)) / static_cast<nn::Real>(options.temperature)).exp();
    weights(data::Vocab::kPad) = 0;
    weights(data::Vocab::kUnk) = 0;
    // Without <pad> and <unk> (and at a temperature near 0) every weight can underflow: then the likeliest other one.
    double total = 0;
    for (nn::Index y = 0; y < weights.size(); ++y) total += static_cast<double>(weights(y));
    int y = 0;
    if (total > 0) {
      double left = rng.uniform() * total;
      for (y = 0; y + 1 < static_cast<int>(weights.size()); ++y) {
        left -= static_cast<double>(weights(y));
        if (left < 0 && weights(y) > 0) break;
      }
      while (weights(y) == 0) --y;  // the rounding of the last subtraction past the end
    } else {
      log_p(data::Vocab::kPad) = log_p(data::Vocab::kUnk) = -std::numeric_limits<nn::Real>::infinity();
      log_p.maxCoeff(&y);
    }
    drawn.push_back(y);
    model.step(y, log_p);
  }
  model.reset_state();
  if (options.backward) std::reverse(drawn.begin(), drawn.end());
  std::string text;
  for (int y : drawn) text += lm.text_of(y);
  return options.backward ? text + options.prefix : options.prefix + text;
}

}  // namespace ner
