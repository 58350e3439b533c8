// One direction of a recurrent layer over a padded, masked batch, and what LSTM, GRU and plain RNN share.
// Padded steps carry the previous state unchanged (h_t = m∘h~_t + (1−m)∘h_{t−1}), so a right-to-left layer starts at
// each sentence's own last character with zero state. A layer may instead start from a given state (truncated
// backpropagation through time carries a stream's state from one window to the next).
#pragma once

#include <memory>
#include <string>

#include "nn/bf16_matrix.h"
#include "nn/param.h"
#include "nn/random.h"
#include "nn/sequence_batch.h"

namespace nn {

enum class Direction { kLeftToRight, kRightToLeft };
enum class CellType { kLstm, kGru, kRnnTanh, kRnnRelu };
inline constexpr CellType kCellTypes[] = {CellType::kLstm, CellType::kGru, CellType::kRnnTanh, CellType::kRnnRelu};

std::string cell_name(CellType cell);  // "lstm", "gru", "rnn", "rnn-relu"

// A layer's state between two steps, one column per sequence: h (H, B), and for an LSTM the cell state c (H, B)
// (empty for the other cells).
struct RecurrentState {
  Matrix h;  // (H, B)
  Matrix c;  // (H, B), LSTM only
};

class Recurrent {
 public:
  Recurrent(Index input_dim, Index hidden, Direction direction) : input_dim_(input_dim), hidden_(hidden), direction_(direction) {}
  virtual ~Recurrent() = default;

  virtual void init(Rng& rng) = 0;
  // H = the layer run over X (D, T*B); H is (H, T*B). With `training`, keeps what backward needs; without, keeps
  // only the working buffers of the forward pass itself.
  virtual void forward(const Matrix& X, const SequenceBatch& batch, Matrix& H, bool training) = 0;
  // Backpropagation through time for the last forward: adds ∂loss/∂params to the gradients and ∂loss/∂X to dX,
  // given dH = ∂loss/∂H (H, T*B).
  virtual void backward(const Matrix& X, const SequenceBatch& batch, const Eigen::Ref<const Matrix>& dH, Matrix& dX) = 0;
  virtual ParamList params() = 0;  // Wx and Wh first, in that order, then what the cell adds

  // The following forward passes start sequence b from column b of `state` (before the first step processed)
  // instead of zero; backward treats it as a constant (no gradient flows into it). An empty state is zero again.
  void set_initial_state(RecurrentState state) { initial_ = std::move(state); }
  // The state after the last forward's last step processed, for every sequence (past its end, padding carried it).
  virtual RecurrentState final_state(const Matrix& H, const SequenceBatch& batch) const;

  // With a kernel other than kNone (one Bf16Matrix::supported), inference multiplies by bfloat16 copies of Wx and Wh
  // made now: call it once the weights are final. Training always runs in float.
  void set_bfloat16(Bf16Kernel kernel);

  Index input_dim() const { return input_dim_; }
  Index hidden() const { return hidden_; }
  Direction direction() const { return direction_; }

 protected:
  // The time step processed s-th: s for left-to-right, T−1−s for right-to-left.
  Index time_at(Index s, Index T) const { return direction_ == Direction::kLeftToRight ? s : T - 1 - s; }
  // First column of the step processed before time t (only valid when t is not the first step processed).
  Index previous_column(Index t, Index B) const { return (direction_ == Direction::kLeftToRight ? t - 1 : t + 1) * B; }

  // G = Wx X + b for every time step at once (one GEMM).    Wx: (kH, D)  b: (kH, 1)  G: (kH, T*B)
  void project_inputs(const Param& Wx, const Param& b, const Eigen::Ref<const Matrix>& X, Matrix& G, bool training) const;
  // G += Wh H: one step's recurrent product, by the bfloat16 copy in inference when there is one.
  void add_recurrent_product(const Param& Wh, const Eigen::Ref<const Matrix>& H, Eigen::Ref<Matrix> G, bool training) const;
  // dWx += dG Xᵀ; db += Σ_j dG(:, j); dX += Wxᵀ dG.           dG: (kH, T*B)
  static void backward_inputs(Param& Wx, Param& b, const Matrix& X, const Matrix& dG, Matrix& dX);
  // h0_ = the initial state's h, or zero (H, B): called first by forward.
  void start_state(Index B);
  bool has_initial_state() const { return initial_.h.size() > 0; }
  const RecurrentState& initial_state() const { return initial_; }
  // G_first += Wh h_0 for the first step processed, when there is an initial state (zero adds nothing).
  void add_initial_product(const Param& Wh, Index first_col, Index B, Matrix& G, bool training) const;
  // dWh += Σ_t dG_t h_{prev(t)}ᵀ as one GEMM over the whole sequence, and dG_first h_0ᵀ with an initial state.
  void backward_recurrent_weights(Param& Wh, const Matrix& dG, const Matrix& H, const SequenceBatch& batch) const;

  Matrix h0_;  // (H, B): the state before the first step processed

 private:
  Index input_dim_, hidden_;
  Direction direction_;
  RecurrentState initial_;  // empty: start from zero
  std::unique_ptr<Bf16Matrix> bf16_Wx_, bf16_Wh_;  // with set_bfloat16(a kernel)
};

std::unique_ptr<Recurrent> make_recurrent(CellType cell, const std::string& name, Index input_dim, Index hidden,
                                          Direction direction, bool peepholes = false);

}  // namespace nn
