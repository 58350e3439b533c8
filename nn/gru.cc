#include "nn/gru.h"

#include <cassert>

#include "nn/init.h"
#include "nn/profile.h"
#include "nn/step_product.h"

namespace nn {

Gru::Gru(const std::string& name, Index input_dim, Index hidden, Direction direction)
    : Recurrent(input_dim, hidden, direction),
      Wx_(name + ".Wx", 3 * hidden, input_dim),
      Wh_(name + ".Wh", 3 * hidden, hidden),
      bx_(name + ".bx", 3 * hidden, 1),
      bh_(name + ".bh", 3 * hidden, 1) {}

void Gru::init(Rng& rng) {
  init_xavier(Wx_.value, rng);
  init_orthogonal_blocks(Wh_.value, rng);
  bx_.value.setZero();
  bh_.value.setZero();
}

void Gru::forward(const Matrix& X, const SequenceBatch& batch, Matrix& H, bool training) {
  profile::Scope scope(profile::Part::kRecurrence);
  const Index h = hidden(), B = batch.B, T = batch.T;
  project_inputs(Wx_, bx_, X, gates_, training);
  if (training) recurrent_n_.resize(h, T * B);
  H.resize(h, T * B);
  start_state(B);
  for (Index s = 0; s < T; ++s) {
    const Index t = time_at(s, T), col0 = t * B;
    const bool first = s == 0;
    // R_t = Wh h_{t−1} + bh
    recurrent_.resize(3 * h, B);
    recurrent_.colwise() = bh_.value.col(0);
    if (!first) add_recurrent_product(Wh_, H.middleCols(previous_column(t, B), B), recurrent_, training);
    else add_initial_product(Wh_, 0, B, recurrent_, training);
    for (Index b = 0; b < B; ++b) {
      const Index col = col0 + b;
      auto h_prev = first ? h0_.col(b) : H.col(previous_column(t, B) + b);
      if (batch.mask(col) == 0) {
        H.col(col) = h_prev;  // padding: h_t = h_{t−1}
        continue;
      }
      auto gate = gates_.col(col);
      auto z = gate.segment(0, h).array();
      auto r = gate.segment(h, h).array();
      auto n = gate.segment(2 * h, h).array();
      auto rec = recurrent_.col(b);
      // z = σ(Gx_z + R_z), r = σ(Gx_r + R_r)
      z = sigmoid(z + rec.segment(0, h).array());
      r = sigmoid(r + rec.segment(h, h).array());
      // n = tanh(Gx_n + r∘R_n)
      if (training) recurrent_n_.col(col) = rec.segment(2 * h, h);
      n = (n + r * rec.segment(2 * h, h).array()).tanh();
      // h~ = (1−z)∘n + z∘h_{t−1}
      H.col(col).array() = (1 - z) * n + z * h_prev.array();
    }
  }
  if (training) H_ = H;  // for dWh
}

void Gru::backward(const Matrix& X, const SequenceBatch& batch, const Eigen::Ref<const Matrix>& dH, Matrix& dX) {
  profile::Scope scope(profile::Part::kRecurrence);
  const Index h = hidden(), B = batch.B, T = batch.T;
  Wh_transposed_ = Wh_.value.transpose();  // the step products below read Whᵀ as stored
  assert(dH.rows() == h && dH.cols() == T * B);
  dgates_x_.resize(3 * h, T * B);
  dgates_h_.resize(3 * h, T * B);
  dh_next_.setZero(h, B);
  Vector dh(h);
  for (Index s = T - 1; s >= 0; --s) {
    const Index t = time_at(s, T), col0 = t * B;
    const bool first = s == 0;
    for (Index b = 0; b < B; ++b) {
      const Index col = col0 + b;
      // dh = ∂/∂h_t from above plus from step t+1
      dh.noalias() = dH.col(col) + dh_next_.col(b);
      if (batch.mask(col) == 0) {
        dgates_x_.col(col).setZero();
        dgates_h_.col(col).setZero();
        dh_next_.col(b) = dh;  // padding passes the gradient through
        continue;
      }
      auto h_prev = first ? h0_.col(b) : H_.col(previous_column(t, B) + b);
      auto gate = gates_.col(col);
      auto z = gate.segment(0, h).array();
      auto r = gate.segment(h, h).array();
      auto n = gate.segment(2 * h, h).array();
      auto dx = dgates_x_.col(col);
      auto dr = dgates_h_.col(col);
      // dG_n = dh∘(1−z)∘(1−n²); ∂/∂R_n = dG_n∘r
      dx.segment(2 * h, h).array() = dh.array() * (1 - z) * (1 - n.square());
      dr.segment(2 * h, h).array() = dx.segment(2 * h, h).array() * r;
      // dG_r = dG_n∘R_n∘r(1−r)
      dx.segment(h, h).array() = dx.segment(2 * h, h).array() * recurrent_n_.col(col).array() * r * (1 - r);
      // dG_z = dh∘(h_{t−1} − n)∘z(1−z)
      dx.segment(0, h).array() = dh.array() * (h_prev.array() - n) * z * (1 - z);
      // z and r enter through Gx + R alike
      dr.segment(0, 2 * h) = dx.segment(0, 2 * h);
      // dh_{t−1} (direct path) = dh∘z
      dh_next_.col(b).array() = dh.array() * z;
    }
    // dh_{t−1} += Whᵀ ∂/∂R_t
    if (!first) add_step_product(Wh_transposed_, dgates_h_.middleCols(col0, B), dh_next_);
  }
  // dbh += Σ ∂/∂R; dWh += Σ_t ∂/∂R_t h_{t−1}ᵀ
  bh_.grad.col(0) += dgates_h_.rowwise().sum();
  backward_recurrent_weights(Wh_, dgates_h_, H_, batch);
  backward_inputs(Wx_, bx_, X, dgates_x_, dX);
}

}  // namespace nn
