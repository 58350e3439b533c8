// A bidirectional recurrent layer: a left-to-right and a right-to-left layer over the same input, outputs
// stacked as [h→; h←] (2H, T*B).
#pragma once

#include <memory>
#include <string>

#include "nn/recurrent.h"

namespace nn {

class BiRnn {
 public:
  BiRnn(CellType cell, const std::string& name, Index input_dim, Index hidden, bool peepholes = false);

  // Runs the two directions on two threads in training (same results: each direction's arithmetic is unchanged).
  // Inference stays on the calling thread: taggers run replicas of the model side by side instead.
  void set_parallel(bool parallel) { parallel_ = parallel; }

  // Inference by bfloat16 copies of the weights where the CPU can (see Recurrent::set_bfloat16).
  void set_bfloat16(Bf16Kernel kernel) {
    forward_->set_bfloat16(kernel);
    backward_->set_bfloat16(kernel);
  }

  void init(Rng& rng);  // forward direction first, then backward
  // Y = [→(X); ←(X)]                                             X: (D, T*B)  Y: (2H, T*B)
  void forward(const Matrix& X, const SequenceBatch& batch, Matrix& Y, bool training);
  // dX += ∂/∂X through both directions; parameter gradients accumulate.  dY: (2H, T*B)
  void backward(const Matrix& X, const SequenceBatch& batch, const Matrix& dY, Matrix& dX);

  ParamList params();
  Index output_dim() const { return 2 * forward_->hidden(); }
  Index input_dim() const { return forward_->input_dim(); }

 private:
  std::unique_ptr<Recurrent> forward_, backward_;
  bool parallel_ = false;
  Matrix forward_out_, backward_out_;  // (H, T*B)
  Matrix backward_dX_;                 // (D, T*B): the right-to-left direction's dX when it runs on its own thread
};

}  // namespace nn
