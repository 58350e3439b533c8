#include "data/vectors.h"

#include <algorithm>
#include <cmath>

#include <cstdlib>

#include "data/conll.h"
#include "data/error.h"
#include "data/line_reader.h"

namespace data {
namespace {

bool is_count(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Vectors read_vectors(const std::string& path, const std::function<bool(const std::string& key, std::size_t rank)>& keep,
                     std::size_t dim, const std::string& dim_name) {
  Vectors vectors;
  std::size_t rank = 0;
  LineReader reader(path, "utf-8");
  std::string line;
  while (reader.next(line)) {
    std::vector<std::string_view> columns = split_columns(line);
    if (columns.empty()) continue;
    if (reader.line_number() == 1 && columns.size() == 2 && is_count(columns[0]) && is_count(columns[1])) continue;  // `count dim`
    if (vectors.dim == 0) {
      vectors.dim = columns.size() - 1;
      if (dim > 0 && vectors.dim != dim)
        throw error_at(reader.origin(), reader.line_number(),
                       std::to_string(vectors.dim) + "-dimensional vectors, but " + dim_name + " is " + std::to_string(dim));
    }
    if (columns.size() - 1 != vectors.dim || vectors.dim == 0)
      throw error_at(reader.origin(), reader.line_number(),
                     "expected a key and " + std::to_string(vectors.dim) + " numbers, got " + std::to_string(columns.size()) + " columns");
    std::vector<float> values;
    values.reserve(vectors.dim);
    std::string key(columns[0]);
    for (std::size_t c = 1; c < columns.size(); ++c) {
      std::string number(columns[c]);
      char* end = nullptr;
      float value = std::strtof(number.c_str(), &end);
      if (end == number.c_str() || *end != '\0' || !std::isfinite(value))
        throw error_at(reader.origin(), reader.line_number(), "'" + number + "' is not a finite number");
      values.push_back(value);
    }
    if (!keep(key, rank++)) continue;
    vectors.keys.push_back(std::move(key));
    vectors.values.push_back(std::move(values));
  }
  if (rank == 0) throw Error(reader.origin() + ": no vectors (the file is empty or holds only the `count dim` header)");
  return vectors;
}

}  // namespace data
