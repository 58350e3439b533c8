#include "nn/lstm.h"

#include <algorithm>
#include <cassert>

#include "nn/init.h"
#include "nn/profile.h"
#include "nn/step_product.h"

namespace nn {

Lstm::Lstm(const std::string& name, Index input_dim, Index hidden, Direction direction, bool peepholes)
    : Recurrent(input_dim, hidden, direction),
      peepholes_(peepholes),
      Wx_(name + ".Wx", 4 * hidden, input_dim),
      Wh_(name + ".Wh", 4 * hidden, hidden),
      b_(name + ".b", 4 * hidden, 1),
      peephole_(name + ".peephole", hidden, 3) {}

ParamList Lstm::params() {
  ParamList list{&Wx_, &Wh_, &b_};
  if (peepholes_) list.push_back(&peephole_);
  return list;
}

RecurrentState Lstm::final_state(const Matrix& H, const SequenceBatch& batch) const {
  RecurrentState state = Recurrent::final_state(H, batch);
  // Training keeps every step's cell state, inference only the current one.
  state.c = C_.cols() == batch.B ? C_ : C_.middleCols(time_at(batch.T - 1, batch.T) * batch.B, batch.B);
  return state;
}

void Lstm::init(Rng& rng) {
  const Index h = hidden();
  init_xavier(Wx_.value, rng);
  init_orthogonal_blocks(Wh_.value, rng);
  b_.value.setZero();
  b_.value.middleRows(h, h).setOnes();  // forget gate starts open
  if (peepholes_) init_uniform(peephole_.value, Real(0.1), rng);
}

void Lstm::forward(const Matrix& X, const SequenceBatch& batch, Matrix& H, bool training) {
  profile::Scope scope(profile::Part::kRecurrence);
  const Index h = hidden(), B = batch.B, T = batch.T;
  // Training keeps every step's gates and cell state for backward. Inference projects kWindow steps at a time and
  // keeps only the current cell state (C_ is (H, B)), so its memory does not grow with T.
  const bool windowed = !training;
  Index window_first = 0;  // the time step in column block 0 of gates_
  start_state(B);
  if (has_initial_state()) {
    assert(initial_state().c.rows() == h && initial_state().c.cols() == B);
    c0_ = initial_state().c;
  } else {
    c0_.setZero(h, B);
  }
  if (windowed) {
    C_ = c0_;
  } else {
    project_inputs(Wx_, b_, X, gates_, training);
    C_.resize(h, T * B);
    tanhC_.resize(h, T * B);
  }
  H.resize(h, T * B);
  const bool peep = peepholes_;
  // One sentence's step: gates_.col(gate_col) holds G_t and becomes i, f, g, o; c_prev → C_.col(c_col) (the same
  // column when windowed); h~ → H.col(col).
  auto step = [&](Index gate_col, const auto& c_prev, Index c_col, Index col) {
    auto gate = gates_.col(gate_col);
    auto i = gate.segment(0, h).array();
    auto f = gate.segment(h, h).array();
    auto g = gate.segment(2 * h, h).array();
    auto o = gate.segment(3 * h, h).array();
    auto c = C_.col(c_col).array();
    // i = σ(G_i + p_i∘c_{t−1}), f = σ(G_f + p_f∘c_{t−1}), g = tanh(G_g)
    if (peep) {
      i += peephole_.value.col(0).array() * c_prev.array();
      f += peephole_.value.col(1).array() * c_prev.array();
    }
    i = sigmoid(i);
    f = sigmoid(f);
    g = g.tanh();
    // c~ = f∘c_{t−1} + i∘g
    c = f * c_prev.array() + i * g;
    // o = σ(G_o + p_o∘c~)
    if (peep) o += peephole_.value.col(2).array() * c;
    o = sigmoid(o);
    // h~ = o∘tanh(c~)
    if (windowed) {
      H.col(col).array() = o * c.tanh();
    } else {
      tanhC_.col(col).array() = c.tanh();
      H.col(col).array() = o * tanhC_.col(col).array();
    }
  };
  for (Index s = 0; s < T; ++s) {
    const Index t = time_at(s, T), col0 = t * B;
    const bool first = s == 0;
    if (windowed && s % kWindow == 0) {
      const Index steps = std::min(kWindow, T - s);
      window_first = direction() == Direction::kLeftToRight ? t : t - steps + 1;
      project_inputs(Wx_, b_, X.middleCols(window_first * B, steps * B), gates_, training);
    }
    const Index gate_col0 = (t - window_first) * B;
    // G_t += Wh h_{t−1}
    if (!first)
      add_recurrent_product(Wh_, H.middleCols(previous_column(t, B), B), gates_.middleCols(gate_col0, B), training);
    else
      add_initial_product(Wh_, gate_col0, B, gates_, training);
    for (Index b = 0; b < B; ++b) {
      const Index col = col0 + b;
      auto h_prev = first ? h0_.col(b) : H.col(previous_column(t, B) + b);
      if (windowed) {
        // The cell state is updated in place; padding leaves it (and h) as they were.
        if (batch.mask(col) == 0) {
          H.col(col) = h_prev;
          continue;
        }
        step(gate_col0 + b, C_.col(b), b, col);
        continue;
      }
      auto c_prev = first ? c0_.col(b) : C_.col(previous_column(t, B) + b);
      if (batch.mask(col) == 0) {
        // Padding: c_t = c_{t−1}, h_t = h_{t−1}
        C_.col(col) = c_prev;
        H.col(col) = h_prev;
        continue;
      }
      step(col, c_prev, col, col);
    }
  }
  if (training) H_ = H;  // for dWh
}

void Lstm::backward(const Matrix& X, const SequenceBatch& batch, const Eigen::Ref<const Matrix>& dH, Matrix& dX) {
  profile::Scope scope(profile::Part::kRecurrence);
  const Index h = hidden(), B = batch.B, T = batch.T;
  Wh_transposed_ = Wh_.value.transpose();  // the step products below read Whᵀ as stored
  assert(dH.rows() == h && dH.cols() == T * B);
  dgates_.resize(4 * h, T * B);
  dh_next_.setZero(h, B);
  dc_next_.setZero(h, B);
  const bool peep = peepholes_;
  Vector dh(h), dc_tilde(h);
  for (Index s = T - 1; s >= 0; --s) {
    const Index t = time_at(s, T), col0 = t * B;
    const bool first = s == 0;
    for (Index b = 0; b < B; ++b) {
      const Index col = col0 + b;
      // dh = ∂/∂h_t from above plus from step t+1
      dh.noalias() = dH.col(col) + dh_next_.col(b);
      if (batch.mask(col) == 0) {
        // Padding passes both gradients through to the previous step.
        dgates_.col(col).setZero();
        dh_next_.col(b) = dh;
        continue;  // dc_next_ keeps flowing unchanged
      }
      auto c_prev = first ? c0_.col(b) : C_.col(previous_column(t, B) + b);
      auto gate = gates_.col(col);
      auto i = gate.segment(0, h).array();
      auto f = gate.segment(h, h).array();
      auto g = gate.segment(2 * h, h).array();
      auto o = gate.segment(3 * h, h).array();
      auto tc = tanhC_.col(col).array();
      auto dgate = dgates_.col(col);
      auto dGi = dgate.segment(0, h).array();
      auto dGf = dgate.segment(h, h).array();
      auto dGg = dgate.segment(2 * h, h).array();
      auto dGo = dgate.segment(3 * h, h).array();
      // dG_o = dh∘tanh(c~)∘o(1−o)
      dGo = dh.array() * tc * o * (1 - o);
      // dc~ = dc + dh∘o∘(1−tanh²(c~)) + p_o∘dG_o
      dc_tilde.array() = dc_next_.col(b).array() + dh.array() * o * (1 - tc.square());
      if (peep) dc_tilde.array() += peephole_.value.col(2).array() * dGo;
      // dG_i = dc~∘g∘i(1−i), dG_f = dc~∘c_{t−1}∘f(1−f), dG_g = dc~∘i∘(1−g²)
      dGi = dc_tilde.array() * g * i * (1 - i);
      dGf = dc_tilde.array() * c_prev.array() * f * (1 - f);
      dGg = dc_tilde.array() * i * (1 - g.square());
      // dc_{t−1} = dc~∘f + p_i∘dG_i + p_f∘dG_f
      dc_next_.col(b).array() = dc_tilde.array() * f;
      if (peep) {
        dc_next_.col(b).array() += peephole_.value.col(0).array() * dGi + peephole_.value.col(1).array() * dGf;
        // dp_i += dG_i∘c_{t−1}, dp_f += dG_f∘c_{t−1}, dp_o += dG_o∘c~
        peephole_.grad.col(0).array() += dGi * c_prev.array();
        peephole_.grad.col(1).array() += dGf * c_prev.array();
        peephole_.grad.col(2).array() += dGo * C_.col(col).array();
      }
      dh_next_.col(b).setZero();
    }
    // dh_{t−1} += Whᵀ dG_t (padded columns of dG_t are zero and keep their carried dh)
    if (!first) add_step_product(Wh_transposed_, dgates_.middleCols(col0, B), dh_next_);
  }
  backward_recurrent_weights(Wh_, dgates_, H_, batch);
  backward_inputs(Wx_, b_, X, dgates_, dX);
}

}  // namespace nn
