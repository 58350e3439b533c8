// A parameter: its value and its gradient side by side, with a name for files and messages. A model's parameters
// form one ParamList in a fixed order, so the optimizer, the gradient norm and the model file are flat loops.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "nn/tensor.h"

namespace nn {

struct Param {
  Param(std::string name, Index rows, Index cols)
      : name(std::move(name)), value(Matrix::Zero(rows, cols)) {}

  // A sparse parameter (an embedding table) has a gradient only in the columns touched since zero_grads, so
  // zeroing, the gradient norm and the optimizer visit only those.
  void make_sparse() {
    sparse = true;
    is_touched.assign(static_cast<std::size_t>(value.cols()), 0);
  }
  void touch(Index col) {
    if (is_touched[static_cast<std::size_t>(col)]) return;
    is_touched[static_cast<std::size_t>(col)] = 1;
    touched.push_back(col);
  }

  // An inference replica on another thread may read another parameter's values instead of holding a copy (the
  // embedding tables: most of a feature model). Then `shared` points to that parameter and `value` is empty.
  const Matrix& values() const { return shared ? shared->value : value; }

  std::string name;
  const Param* shared = nullptr;
  Matrix value;  // (rows, cols)
  Matrix grad;   // (rows, cols), same layout as value; empty until zero_grads (inference has none)
  bool sparse = false;
  std::vector<Index> touched;     // sparse only: columns with a gradient, in the order first touched
  std::vector<char> is_touched;   // sparse only: (cols)
};

using ParamList = std::vector<Param*>;

// Appends `more` to `list` (layers compose their parameter lists in a fixed order).
void append(ParamList& list, const ParamList& more);

// With `parallel`, these loops share the parameters out between the calling thread and the helper of
// run_side_by_side (same results: each parameter's arithmetic is unchanged and sums are taken in a fixed order).
// Sets every gradient to zero, allocating it the first time (a parameter has no gradient until then, so a model
// that only tags never holds one).
void zero_grads(const ParamList& params, bool parallel = false);

// sqrt(Σ grad²) over every parameter, accumulated in double in parameter order.
double grad_norm(const ParamList& params, bool parallel = false);

// Runs visit(p) for every parameter index p, on two threads with `parallel` (the first parameters on the calling
// thread, the rest on the helper, split where the gradient entries to visit are about half done).
void for_each_param(const ParamList& params, bool parallel, const std::function<void(std::size_t)>& visit);

std::size_t count_values(const ParamList& params);

}  // namespace nn
