#include "nn/param.h"

namespace nn {

void append(ParamList& list, const ParamList& more) { list.insert(list.end(), more.begin(), more.end()); }

void zero_grads(const ParamList& params) {
  for (Param* param : params) param->grad.setZero();
}

double grad_norm(const ParamList& params) {
  double sum = 0;
  for (const Param* param : params) sum += param->grad.template cast<double>().squaredNorm();
  return std::sqrt(sum);
}

std::size_t count_values(const ParamList& params) {
  std::size_t count = 0;
  for (const Param* param : params) count += static_cast<std::size_t>(param->value.size());
  return count;
}

}  // namespace nn
