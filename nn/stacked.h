// N bidirectional layers, each reading the previous one's output, with dropout between them.
#pragma once

#include <string>
#include <vector>

#include "nn/birnn.h"
#include "nn/dropout.h"

namespace nn {

class Stacked {
 public:
  Stacked(CellType cell, const std::string& name, Index input_dim, Index hidden, int layers, Real dropout,
          bool peepholes = false);

  void init(Rng& rng);
  void set_parallel(bool parallel);  // two threads: each layer's two directions, the dropouts' halves
  void set_bfloat16(Bf16Kernel kernel);        // see Recurrent::set_bfloat16
  // Y = layer_N(drop(... layer_2(drop(layer_1(X)))))                X: (D, T*B)  Y: (2H, T*B)
  // `rng` draws the dropout masks when training.
  void forward(const Matrix& X, const SequenceBatch& batch, bool training, Rng& rng, Matrix& Y);
  // dX += ∂/∂X; parameter gradients accumulate.                     dY: (2H, T*B)
  void backward(const Matrix& X, const SequenceBatch& batch, const Matrix& dY, Matrix& dX);

  ParamList params();
  Index output_dim() const { return layers_.back().output_dim(); }
  int depth() const { return static_cast<int>(layers_.size()); }

 private:
  std::vector<BiRnn> layers_;
  std::vector<Dropout> dropouts_;  // dropouts_[l] sits between layer l and layer l+1
  std::vector<Matrix> outputs_;    // (2H, T*B) per layer but the last (which writes Y)
  std::vector<Matrix> dropped_;    // (2H, T*B): dropout of outputs_[l], the input of layer l+1
  Matrix d_output_, d_input_;      // backward workspace
  bool parallel_ = false;
};

}  // namespace nn
