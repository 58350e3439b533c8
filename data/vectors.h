// Pretrained embeddings in word2vec's text format: an optional `count dim` header, then `key v1 ... vD` per line.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace data {

struct Vectors {
  std::size_t dim = 0;
  std::vector<std::string> keys;
  std::vector<std::vector<float>> values;  // one per key, each of dim entries
};

// Reads the vectors whose key and rank (0 for the file's first vector) `keep` accepts; every line is checked: one
// whose dimension differs from the first's, or a value that is not a number, is a data::Error with file:line. With
// `dim` > 0 the first vector must have that many numbers, else an error at once naming `dim_name` ("the --char-dim
// size"). An empty file is an error.
Vectors read_vectors(const std::string& path, const std::function<bool(const std::string& key, std::size_t rank)>& keep,
                     std::size_t dim = 0, const std::string& dim_name = "");

}  // namespace data
