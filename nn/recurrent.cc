#include "nn/recurrent.h"

#include <cassert>

#include "nn/gru.h"
#include "nn/lstm.h"
#include "nn/profile.h"
#include "nn/rnn_cell.h"
#include "nn/step_product.h"

namespace nn {

std::string cell_name(CellType cell) {
  switch (cell) {
    case CellType::kLstm: return "lstm";
    case CellType::kGru: return "gru";
    case CellType::kRnnTanh: return "rnn";
    case CellType::kRnnRelu: return "rnn-relu";
  }
  return "?";
}

void Recurrent::set_bfloat16(Bf16Kernel kernel) {
  const ParamList weights = params();
  assert(weights[0]->name.size() > 3 && weights[0]->name.substr(weights[0]->name.size() - 3) == ".Wx");
  assert(weights[1]->name.size() > 3 && weights[1]->name.substr(weights[1]->name.size() - 3) == ".Wh");
  const bool use = Bf16Matrix::supported(kernel);
  bf16_Wx_ = use ? std::make_unique<Bf16Matrix>(weights[0]->value, kernel) : nullptr;
  bf16_Wh_ = use ? std::make_unique<Bf16Matrix>(weights[1]->value, kernel) : nullptr;
}

void Recurrent::add_recurrent_product(const Param& Wh, const Eigen::Ref<const Matrix>& H, Eigen::Ref<Matrix> G,
                                      bool training) const {
  if (bf16_Wh_ && !training) bf16_Wh_->add_product(H, G);
  else add_step_product(Wh.value, H, G);
}

void Recurrent::project_inputs(const Param& Wx, const Param& b, const Eigen::Ref<const Matrix>& X, Matrix& G,
                               bool training) const {
  profile::Scope scope(profile::Part::kInputProjection);
  assert(X.rows() == Wx.value.cols());
  // G = Wx X + b (the bias first: the product then adds into G instead of clearing it)
  G.resize(Wx.value.rows(), X.cols());
  G.colwise() = b.value.col(0);
  // Inference with bfloat16 weights: their kernel. Few columns (inference windows): the step kernel, which does not
  // repack Wx; many (training): Eigen's blocked product, a few percent faster there.
  if (bf16_Wx_ && !training) bf16_Wx_->add_product(X, G);
  else if (X.cols() <= 1024) add_step_product(Wx.value, X, G);
  else G.noalias() += Wx.value * X;
}

void Recurrent::backward_inputs(Param& Wx, Param& b, const Matrix& X, const Matrix& dG, Matrix& dX) {
  profile::Scope scope(profile::Part::kInputProjection);
  // dWx += dG Xᵀ
  Wx.grad.noalias() += dG * X.transpose();
  // db += Σ_j dG(:, j)
  b.grad.col(0) += dG.rowwise().sum();
  // dX += Wxᵀ dG
  dX.noalias() += Wx.value.transpose() * dG;
}

RecurrentState Recurrent::final_state(const Matrix& H, const SequenceBatch& batch) const {
  return {H.middleCols(time_at(batch.T - 1, batch.T) * batch.B, batch.B), Matrix()};
}

void Recurrent::start_state(Index B) {
  if (!has_initial_state()) {
    h0_.setZero(hidden_, B);
    return;
  }
  assert(initial_.h.rows() == hidden_ && initial_.h.cols() == B);
  h0_ = initial_.h;
}

void Recurrent::add_initial_product(const Param& Wh, Index first_col, Index B, Matrix& G, bool training) const {
  if (has_initial_state()) add_recurrent_product(Wh, h0_, G.middleCols(first_col, B), training);
}

void Recurrent::backward_recurrent_weights(Param& Wh, const Matrix& dG, const Matrix& H, const SequenceBatch& batch) const {
  const Index B = batch.B, later = (batch.T - 1) * B;
  // dWh += dG_first h_0ᵀ (the first step processed: time 0 left to right, T−1 right to left)
  if (has_initial_state()) Wh.grad.noalias() += dG.middleCols(time_at(0, batch.T) * B, B) * h0_.transpose();
  if (later == 0) return;
  // dWh += Σ_t dG_t h_{t−1}ᵀ: steps 1..T−1 against states 0..T−2 (left to right), or steps 0..T−2 against 1..T−1.
  if (direction() == Direction::kLeftToRight)
    Wh.grad.noalias() += dG.rightCols(later) * H.leftCols(later).transpose();
  else
    Wh.grad.noalias() += dG.leftCols(later) * H.rightCols(later).transpose();
}

std::unique_ptr<Recurrent> make_recurrent(CellType cell, const std::string& name, Index input_dim, Index hidden,
                                          Direction direction, bool peepholes) {
  switch (cell) {
    case CellType::kLstm: return std::make_unique<Lstm>(name, input_dim, hidden, direction, peepholes);
    case CellType::kGru: return std::make_unique<Gru>(name, input_dim, hidden, direction);
    case CellType::kRnnTanh: return std::make_unique<RnnCell>(name, input_dim, hidden, direction, Activation::kTanh);
    case CellType::kRnnRelu: return std::make_unique<RnnCell>(name, input_dim, hidden, direction, Activation::kRelu);
  }
  return nullptr;
}

}  // namespace nn
