#include "nn/rnn_cell.h"

#include <cassert>

#include "nn/init.h"
#include "nn/profile.h"
#include "nn/step_product.h"

namespace nn {

RnnCell::RnnCell(const std::string& name, Index input_dim, Index hidden, Direction direction, Activation activation)
    : Recurrent(input_dim, hidden, direction),
      activation_(activation),
      Wx_(name + ".Wx", hidden, input_dim),
      Wh_(name + ".Wh", hidden, hidden),
      b_(name + ".b", hidden, 1) {}

void RnnCell::init(Rng& rng) {
  init_xavier(Wx_.value, rng);
  init_orthogonal_blocks(Wh_.value, rng);
  b_.value.setZero();
}

void RnnCell::forward(const Matrix& X, const SequenceBatch& batch, Matrix& H, bool training) {
  profile::Scope scope(profile::Part::kRecurrence);
  const Index h = hidden(), B = batch.B, T = batch.T;
  project_inputs(Wx_, b_, X, pre_, training);
  H.resize(h, T * B);
  start_state(B);
  for (Index s = 0; s < T; ++s) {
    const Index t = time_at(s, T), col0 = t * B;
    const bool first = s == 0;
    // A_t += Wh h_{t−1}
    if (!first) add_recurrent_product(Wh_, H.middleCols(previous_column(t, B), B), pre_.middleCols(col0, B), training);
    else add_initial_product(Wh_, col0, B, pre_, training);
    for (Index b = 0; b < B; ++b) {
      const Index col = col0 + b;
      if (batch.mask(col) == 0) {
        H.col(col) = first ? h0_.col(b) : H.col(previous_column(t, B) + b);  // padding: h_t = h_{t−1}
        continue;
      }
      // h~ = act(A_t)
      if (activation_ == Activation::kTanh) H.col(col).array() = pre_.col(col).array().tanh();
      else H.col(col).array() = pre_.col(col).array().max(Real(0));
    }
  }
  if (training) H_ = H;  // for dWh
}

void RnnCell::backward(const Matrix& X, const SequenceBatch& batch, const Eigen::Ref<const Matrix>& dH, Matrix& dX) {
  profile::Scope scope(profile::Part::kRecurrence);
  const Index h = hidden(), B = batch.B, T = batch.T;
  Wh_transposed_ = Wh_.value.transpose();  // the step products below read Whᵀ as stored
  assert(dH.rows() == h && dH.cols() == T * B);
  dpre_.resize(h, T * B);
  dh_next_.setZero(h, B);
  for (Index s = T - 1; s >= 0; --s) {
    const Index t = time_at(s, T), col0 = t * B;
    const bool first = s == 0;
    for (Index b = 0; b < B; ++b) {
      const Index col = col0 + b;
      if (batch.mask(col) == 0) {
        dpre_.col(col).setZero();
        dh_next_.col(b) += dH.col(col);  // padding passes the gradient through
        continue;
      }
      // dA = (dh_t from above + from step t+1) ∘ act'(A): 1−h² for tanh, [h > 0] for ReLU
      auto dh = dH.col(col).array() + dh_next_.col(b).array();
      if (activation_ == Activation::kTanh) dpre_.col(col).array() = dh * (1 - H_.col(col).array().square());
      else dpre_.col(col).array() = (H_.col(col).array() > 0).select(dh, Real(0));
      dh_next_.col(b).setZero();
    }
    // dh_{t−1} += Whᵀ dA_t
    if (!first) add_step_product(Wh_transposed_, dpre_.middleCols(col0, B), dh_next_);
  }
  backward_recurrent_weights(Wh_, dpre_, H_, batch);
  backward_inputs(Wx_, b_, X, dpre_, dX);
}

}  // namespace nn
