// The output distribution of a language model over V symbols, with its cross-entropy loss: a full softmax, or a
// class-factored (two-level) one over C classes of consecutive ids (Goodman 2001; Mikolov et al. 2011):
//   full:   P(y | h) = softmax(W h + b)_y                                   (V·H multiply-adds per column)
//   class:  P(y | h) = P(c(y) | h) · P(y | c(y), h),   P(c | h) = softmax(Wc h + bc)_c,
//           P(y | c, h) = softmax over class c's ids of (W h + b)           ((C + |c(y)|)·H per column)
// Both give exact normalised probabilities; the class-factored one is cheaper to train when V is large.
#pragma once

#include <string>
#include <vector>

#include "nn/param.h"
#include "nn/random.h"

namespace nn {

class ClassSoftmax {
 public:
  // `class_begins`: the first id of each class, ascending from 0 (the last class ends at V). One class is the full
  // softmax, which multiplies all columns at once instead of one column at a time.
  ClassSoftmax(const std::string& name, Index in, Index V, std::vector<Index> class_begins);

  void init(Rng& rng);  // Xavier weights, zero biases

  // loss = Σ_j −log P(targets[j] | X(:, j)), summed in double; keeps what backward needs.    X: (H, N)
  double forward(const Matrix& X, const std::vector<int>& targets);
  // For the last forward, the gradients of scale · loss: parameter gradients += scale · ∂loss/∂params;
  // dX += scale · ∂loss/∂X.                                                                 dX: (H, N)
  void backward(const Matrix& X, const std::vector<int>& targets, Matrix& dX, Real scale = 1);
  // log P(y | x) for every y.                                                               x: (H)  log_p: (V)
  void log_probabilities(const Eigen::Ref<const Vector>& x, Vector& log_p);

  ParamList params();  // the output weights and bias, then (with classes) the class weights and bias
  Index in() const { return weight_.value.cols(); }
  Index size() const { return weight_.value.rows(); }
  Index classes() const { return static_cast<Index>(class_begins_.size()); }
  const std::vector<Index>& class_begins() const { return class_begins_; }

 private:
  Index class_of(int id) const;  // the class holding id
  Index class_size(Index c) const;
  bool full() const { return class_begins_.size() == 1; }

  std::vector<Index> class_begins_;  // (C)
  std::vector<Index> class_of_;      // (V)
  Param weight_;        // (V, H)
  Param bias_;          // (V, 1)
  Param class_weight_;  // (C, H)
  Param class_bias_;    // (C, 1)

  // Forward caches: the probabilities of the last forward.
  Matrix class_p_;  // (C, N): P(c | h_j) (with classes)
  Matrix word_p_;   // full: (V, N) P(y | h_j); with classes: (largest class, N), P(y | c(target_j), h_j) in its
                    // first |c(target_j)| rows
  // Backward workspace.
  Matrix dlogits_;  // full: (V, N); with classes: (C, N), ∂loss/∂(Wc h + bc)
  Vector dword_;    // (largest class): ∂loss/∂(W h + b) over one column's class
  Vector class_log_p_;  // (C): log P(c | x) in log_probabilities
};

}  // namespace nn
