#include "nn/param.h"

#include <cmath>

namespace nn {

void append(ParamList& list, const ParamList& more) { list.insert(list.end(), more.begin(), more.end()); }

void zero_grads(const ParamList& params) {
  for (Param* param : params) {
    if (!param->sparse) {
      param->grad.setZero();
      continue;
    }
    for (Index col : param->touched) {
      param->grad.col(col).setZero();
      param->is_touched[static_cast<std::size_t>(col)] = 0;
    }
    param->touched.clear();
  }
}

double grad_norm(const ParamList& params) {
  double sum = 0;
  for (const Param* param : params) {
    if (!param->sparse) {
      sum += param->grad.template cast<double>().squaredNorm();
      continue;
    }
    for (Index col : param->touched) sum += param->grad.col(col).template cast<double>().squaredNorm();
  }
  return std::sqrt(sum);
}

void scale_grads(const ParamList& params, Real scale) {
  for (Param* param : params) {
    if (!param->sparse) {
      param->grad *= scale;
      continue;
    }
    for (Index col : param->touched) param->grad.col(col) *= scale;
  }
}

std::size_t count_values(const ParamList& params) {
  std::size_t count = 0;
  for (const Param* param : params) count += static_cast<std::size_t>(param->value.size());
  return count;
}

}  // namespace nn
