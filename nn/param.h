// A parameter: its value and its gradient side by side, with a name for files and messages. A model's parameters
// form one ParamList in a fixed order, so the optimizer, the gradient norm and the model file are flat loops.
#pragma once

#include <string>
#include <vector>

#include "nn/tensor.h"

namespace nn {

struct Param {
  Param(std::string name, Index rows, Index cols)
      : name(std::move(name)), value(Matrix::Zero(rows, cols)), grad(Matrix::Zero(rows, cols)) {}

  std::string name;
  Matrix value;  // (rows, cols)
  Matrix grad;   // (rows, cols), same layout as value
};

using ParamList = std::vector<Param*>;

// Appends `more` to `list` (layers compose their parameter lists in a fixed order).
void append(ParamList& list, const ParamList& more);

void zero_grads(const ParamList& params);

// sqrt(Σ grad²) over every parameter, accumulated in double.
double grad_norm(const ParamList& params);

std::size_t count_values(const ParamList& params);

}  // namespace nn
