// A tiny embedding → BiLSTM → linear → CRF network (float, as shipped) memorises 20 random tagged sequences.
#include <gtest/gtest.h>

#include <iostream>

#include "nn/crf.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/optimizer.h"
#include "nn/stacked.h"

namespace nn {
namespace {

TEST(Memorize, TinyModelLearnsTwentyRandomSequences) {
  const Index vocab = 12, dim = 16, hidden = 16, tags = 4;
  Rng rng(51);
  std::vector<int> lengths;
  for (int s = 0; s < 20; ++s) lengths.push_back(3 + static_cast<int>(rng.below(8)));
  SequenceBatch batch(lengths);
  std::vector<int> ids(static_cast<std::size_t>(batch.columns()), 0), gold(ids.size(), 0);
  for (Index t = 0; t < batch.T; ++t)
    for (Index b = 0; b < batch.B; ++b)
      if (t < batch.length(b)) {
        ids[static_cast<std::size_t>(t * batch.B + b)] = 1 + static_cast<int>(rng.below(vocab - 1));
        gold[static_cast<std::size_t>(t * batch.B + b)] = static_cast<int>(rng.below(tags));
      }

  Embedding embedding("embedding", vocab, dim);
  Stacked stack(CellType::kLstm, "lstm", dim, hidden, 1, 0);
  Linear output("output", 2 * hidden, tags);
  Crf crf("crf", tags);
  embedding.init(rng);
  stack.init(rng);
  output.init(rng);
  crf.init(rng);
  ParamList params = embedding.params();
  append(params, stack.params());
  append(params, output.params());
  append(params, crf.params());
  OptimizerConfig config;
  config.learning_rate = 0.02;
  Optimizer adam(params, config);

  Matrix X(dim, batch.columns()), Y, E, dE, dY, dX;
  auto accuracy = [&] {
    embedding.forward(ids, X);
    stack.forward(X, batch, false, rng, Y);
    output.forward(Y, E);
    std::size_t correct = 0, total = 0;
    auto paths = crf.viterbi(E, batch);
    for (Index b = 0; b < batch.B; ++b)
      for (Index t = 0; t < batch.length(b); ++t, ++total)
        correct += paths[static_cast<std::size_t>(b)][static_cast<std::size_t>(t)] == gold[static_cast<std::size_t>(t * batch.B + b)];
    return static_cast<double>(correct) / static_cast<double>(total);
  };
  const double before = accuracy();
  int epoch = 0;
  for (; epoch < 500 && accuracy() < 1.0; ++epoch) {
    zero_grads(params);
    embedding.forward(ids, X);
    stack.forward(X, batch, true, rng, Y);
    output.forward(Y, E);
    dE.setZero(tags, batch.columns());
    crf.nll(E, batch, gold, &dE);
    dY.setZero(2 * hidden, batch.columns());
    output.backward(Y, dE, dY);
    dX.setZero(dim, batch.columns());
    stack.backward(X, batch, dY, dX);
    embedding.backward(ids, dX);
    adam.step(static_cast<Real>(clip_scale(grad_norm(params), 5.0)));
  }
  std::cout << "memorised in " << epoch << " epochs (accuracy before: " << before << ")\n";
  EXPECT_LT(before, 0.6);
  EXPECT_EQ(accuracy(), 1.0) << "after " << epoch << " epochs";
}

}  // namespace
}  // namespace nn
