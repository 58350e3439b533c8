// The container every file ner writes is (models, checkpoints, language models and their checkpoints): 8-byte
// magic, u32 format version, u64 payload size, the payload, and the payload's CRC-32 (zlib's, by libdeflate); and
// the matrices, parameter lists and optimizer moments inside payloads. Numbers are little-endian; values float32.
#pragma once

#include <cstdint>
#include <ostream>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "data/binary_io.h"
#include "nn/optimizer.h"
#include "nn/param.h"

namespace ner {

// 2: the lexicon stores its trie (data::Lexicon::save); 3: compressed. Version 1 and 2 files are still read.
inline constexpr std::uint32_t kModelFormatVersion = 3;

// The kinds of file in the container: the magic, and what a file of the kind is called in messages.
struct FileKind {
  const char* magic;
  const char* name;
  const char* read_by;  // the command that reads this kind, for the message that refuses it elsewhere
};
inline constexpr FileKind kModelKind{data::kModelMagic.data(), "model", "ner tag --model"};
inline constexpr FileKind kCheckpointKind{data::kCheckpointMagic.data(), "checkpoint", "ner train --resume"};
inline constexpr FileKind kLmKind{data::kLmMagic.data(), "language model", "ner lm sample --model"};
inline constexpr FileKind kLmCheckpointKind{data::kLmCheckpointMagic.data(), "language-model checkpoint", "ner lm train --resume"};

// The container of `payload` as a file of `kind`.
std::string wrap_file(const FileKind& kind, const std::string& payload);
// The payload inside `bytes` (a view of them) after the container's checks: a file of another kind ("not a model
// file (it is a language model)"), a truncated, damaged or newer-format file is a data::Error naming `path`.
std::string_view unwrap_file(const FileKind& kind, const std::string& bytes, const std::string& path);

// A matrix as u32 rows, u32 cols and float32 values in column order; read_matrix reads one of m's shape (with
// `may_be_empty`, a 0x0 matrix too), else a data::Error naming `origin` and `name`.
void write_matrix(std::ostream& out, const nn::Matrix& m);
void read_matrix(std::istream& in, nn::Matrix& m, const std::string& origin, const std::string& name, bool may_be_empty = false);
// The values alone, as many as m's shape (which the caller has read).
void read_values(std::istream& in, nn::Matrix& m, const std::string& origin);
// The parameters' count, then each one's name and values; read_params reads them into `params`, whose names and
// shapes they must have.
void write_params(std::ostream& out, const nn::ParamList& params);
void read_params(std::istream& in, const nn::ParamList& params, const std::string& origin);
// An optimizer's moments: their count, then each parameter's first and second moment (empty for SGD's second);
// read_moments reads them into `optimizer`, shaped like `params`.
void write_moments(std::ostream& out, nn::Optimizer& optimizer);
void read_moments(std::istream& in, const nn::ParamList& params, std::vector<nn::Matrix>& first, std::vector<nn::Matrix>& second,
                  const std::string& origin);

// The parts of the container, for readers that check it as they stream the file (load_model): its header and
// trailer sizes, the checks on the header (`head`, up to kHeader bytes) and the file's length `total`, which return
// the payload's size, and the CRC-32 check.
inline constexpr std::size_t kHeader = 8 + 4 + 8, kTrailer = 4;  // magic | version | size, and the CRC-32
std::uint64_t check_container(const FileKind& kind, std::string_view head, std::uint64_t total, const std::string& path);
void check_crc(const FileKind& kind, std::uint32_t computed, std::uint32_t stored, const std::string& path);
std::uint32_t crc32_of(std::string_view bytes);

}  // namespace ner
