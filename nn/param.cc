#include "nn/param.h"

#include <cmath>

#include "nn/profile.h"
#include "nn/side_by_side.h"

namespace nn {

void append(ParamList& list, const ParamList& more) { list.insert(list.end(), more.begin(), more.end()); }

namespace {

// The gradient entries a loop over the parameter visits: all of them, or a sparse parameter's touched columns.
std::size_t work(const Param& param) {
  return static_cast<std::size_t>(param.sparse ? static_cast<Index>(param.touched.size()) * param.grad.rows() : param.grad.size());
}

}  // namespace

void for_each_param(const ParamList& params, bool parallel, const std::function<void(std::size_t)>& visit) {
  if (!parallel || params.size() < 2) {
    for (std::size_t p = 0; p < params.size(); ++p) visit(p);
    return;
  }
  std::size_t total = 0, done = 0, split = 0;
  for (const Param* param : params) total += work(*param);
  while (split + 1 < params.size() && 2 * (done + work(*params[split])) <= total) done += work(*params[split++]);
  if (split == 0) split = 1;
  run_side_by_side([&] { for (std::size_t p = 0; p < split; ++p) visit(p); },
                   [&] { for (std::size_t p = split; p < params.size(); ++p) visit(p); });
}

void zero_grads(const ParamList& params, bool parallel) {
  for (Param* param : params)
    if (param->grad.size() != param->value.size()) param->grad.setZero(param->value.rows(), param->value.cols());
  for_each_param(params, parallel, [&](std::size_t p) {
    profile::Scope scope(profile::Part::kOptimizer);
    Param& param = *params[p];
    if (!param.sparse) {
      param.grad.setZero();
      return;
    }
    for (Index col : param.touched) {
      param.grad.col(col).setZero();
      param.is_touched[static_cast<std::size_t>(col)] = 0;
    }
    param.touched.clear();
  });
}

double grad_norm(const ParamList& params, bool parallel) {
  std::vector<double> sums(params.size(), 0.0);
  for_each_param(params, parallel, [&](std::size_t p) {
    profile::Scope scope(profile::Part::kOptimizer);
    const Param& param = *params[p];
    if (!param.sparse) {
      sums[p] = param.grad.template cast<double>().squaredNorm();
      return;
    }
    for (Index col : param.touched) sums[p] += param.grad.col(col).template cast<double>().squaredNorm();
  });
  double sum = 0;
  for (double s : sums) sum += s;
  return std::sqrt(sum);
}

std::size_t count_values(const ParamList& params) {
  std::size_t count = 0;
  for (const Param* param : params) count += static_cast<std::size_t>(param->value.size());
  return count;
}

}  // namespace nn
