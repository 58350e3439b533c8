#include "ner/training/gradient_sum.h"

#include <algorithm>

namespace ner {

void GradientSum::operator()(const nn::ParamList& params, std::vector<double>& scalars, const std::string& what) {
  // The union of the touched columns: each rank's lists, one per sparse parameter, as (count, columns...).
  columns_.clear();
  for (const nn::Param* param : params)
    if (param->sparse) {
      columns_.push_back(static_cast<std::int64_t>(param->touched.size()));
      columns_.insert(columns_.end(), param->touched.begin(), param->touched.end());
    }
  const std::vector<std::int64_t> all = group_.gather(columns_, what + " (the touched embedding rows)");
  std::size_t at = 0;
  for (int rank = 0; rank < group_.size(); ++rank)
    for (nn::Param* param : params) {
      if (!param->sparse) continue;
      const auto count = static_cast<std::size_t>(all[at++]);
      for (std::size_t k = 0; k < count; ++k) param->touch(static_cast<nn::Index>(all[at++]));  // an untouched column's gradient is 0
    }
  for (nn::Param* param : params)
    if (param->sparse) std::sort(param->touched.begin(), param->touched.end());

  // The buffer: every dense gradient, the touched columns of every sparse one, then the scalars.
  // sum over ranks r: buffer ← Σ_r buffer_r
  buffer_.clear();
  last_dense_bytes_ = 0;
  for (const nn::Param* param : params) {
    last_dense_bytes_ += static_cast<std::size_t>(param->grad.size()) * sizeof(nn::Real);
    if (!param->sparse) {
      buffer_.insert(buffer_.end(), param->grad.data(), param->grad.data() + param->grad.size());
      continue;
    }
    for (nn::Index col : param->touched) buffer_.insert(buffer_.end(), param->grad.col(col).data(), param->grad.col(col).data() + param->grad.rows());
  }
  for (double s : scalars) buffer_.push_back(static_cast<nn::Real>(s));
  last_dense_bytes_ += scalars.size() * sizeof(nn::Real);
  group_.sum(buffer_.data(), buffer_.size(), what);
  last_bytes_ = (columns_.size() * sizeof(std::int64_t)) + buffer_.size() * sizeof(nn::Real);

  at = 0;
  for (nn::Param* param : params) {
    if (!param->sparse) {
      std::copy_n(buffer_.data() + at, param->grad.size(), param->grad.data());
      at += static_cast<std::size_t>(param->grad.size());
      continue;
    }
    for (nn::Index col : param->touched) {
      std::copy_n(buffer_.data() + at, param->grad.rows(), param->grad.col(col).data());
      at += static_cast<std::size_t>(param->grad.rows());
    }
  }
  for (double& s : scalars) s = buffer_[at++];
}

void broadcast_values(Group& group, const nn::ParamList& params) {
  std::vector<nn::Real> buffer;
  for (const nn::Param* param : params) buffer.insert(buffer.end(), param->value.data(), param->value.data() + param->value.size());
  group.broadcast(buffer.data(), buffer.size(), "the initial parameters from rank 0");
  std::size_t at = 0;
  for (nn::Param* param : params) {
    std::copy_n(buffer.data() + at, param->value.size(), param->value.data());
    at += static_cast<std::size_t>(param->value.size());
  }
}

}  // namespace ner
