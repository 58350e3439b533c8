#include "nn/birnn.h"

#include "nn/side_by_side.h"

namespace nn {

BiRnn::BiRnn(CellType cell, const std::string& name, Index input_dim, Index hidden, bool peepholes)
    : forward_(make_recurrent(cell, name + ".fwd", input_dim, hidden, Direction::kLeftToRight, peepholes)),
      backward_(make_recurrent(cell, name + ".bwd", input_dim, hidden, Direction::kRightToLeft, peepholes)) {}

void BiRnn::init(Rng& rng) {
  forward_->init(rng);
  backward_->init(rng);
}

ParamList BiRnn::params() {
  ParamList list = forward_->params();
  append(list, backward_->params());
  return list;
}

void BiRnn::forward(const Matrix& X, const SequenceBatch& batch, Matrix& Y, bool training) {
  const Index h = forward_->hidden();
  Y.resize(2 * h, X.cols());
  // Y = [→(X); ←(X)], each direction copying its own half
  auto left_to_right = [&] {
    forward_->forward(X, batch, forward_out_, training);
    Y.topRows(h) = forward_out_;
  };
  auto right_to_left = [&] {
    backward_->forward(X, batch, backward_out_, training);
    Y.bottomRows(h) = backward_out_;
  };
  if (parallel_ && training) {
    run_side_by_side(left_to_right, right_to_left);
  } else {
    left_to_right();
    right_to_left();
  }
}

void BiRnn::backward(const Matrix& X, const SequenceBatch& batch, const Matrix& dY, Matrix& dX) {
  const Index h = forward_->hidden();
  if (parallel_) {
    // Each direction adds into its own dX; the sum is taken in a fixed order afterwards.
    run_side_by_side([&] { forward_->backward(X, batch, dY.topRows(h), dX); },
                     [&] {
                       backward_dX_.setZero(dX.rows(), dX.cols());
                       backward_->backward(X, batch, dY.bottomRows(h), backward_dX_);
                     });
    dX += backward_dX_;
  } else {
    forward_->backward(X, batch, dY.topRows(h), dX);
    backward_->backward(X, batch, dY.bottomRows(h), dX);
  }
}

}  // namespace nn
