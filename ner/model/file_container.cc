#include "ner/model/file_container.h"

#include <libdeflate.h>

#include <cstring>
#include <sstream>
#include <vector>

#include "data/binary_io.h"
#include "data/error.h"

namespace ner {

std::uint32_t crc32_of(std::string_view bytes) {
  return libdeflate_crc32(0, bytes.data(), bytes.size());
}

// magic | version | size | payload | crc32
std::string wrap_file(const FileKind& kind, const std::string& payload) {
  std::ostringstream out;
  out.write(kind.magic, 8);
  data::write_pod<std::uint32_t>(out, kModelFormatVersion);
  data::write_pod<std::uint64_t>(out, payload.size());
  out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
  data::write_pod<std::uint32_t>(out, crc32_of(payload));
  return out.str();
}

std::uint64_t check_container(const FileKind& kind, std::string_view head, std::uint64_t total, const std::string& path) {
  const std::string what = kind.name;
  if (head.size() < 8 || std::memcmp(head.data(), kind.magic, 8) != 0) {
    std::string is_other;
    for (const FileKind& other : {kModelKind, kCheckpointKind, kLmKind, kLmCheckpointKind})
      if (head.size() >= 8 && std::memcmp(head.data(), other.magic, 8) == 0) is_other = std::string(" (it is a ") + other.name + ", which " + other.read_by + " reads)";
    throw data::Error(path + ": not a " + what + " file" + is_other);
  }
  if (head.size() < kHeader) throw data::Error(path + ": truncated " + what + " file");
  std::uint32_t version;
  std::uint64_t size;
  std::memcpy(&version, head.data() + 8, 4);
  std::memcpy(&size, head.data() + 12, 8);
  if (version > kModelFormatVersion)
    throw data::Error(path + ": " + what + " format version " + std::to_string(version) + " is newer than this program reads (" +
                      std::to_string(kModelFormatVersion) + "); update ner");
  if (version == 0) throw data::Error(path + ": damaged " + what + " file (format version 0)");
  if (total < kHeader + kTrailer || size != total - kHeader - kTrailer)
    throw data::Error(path + ": truncated or damaged " + what + " file (" + std::to_string(total) + " bytes, expected " +
                      std::to_string(kHeader + size + kTrailer) + ")");
  return size;
}

void check_crc(const FileKind& kind, std::uint32_t computed, std::uint32_t stored, const std::string& path) {
  if (stored != computed) throw data::Error(path + ": damaged " + kind.name + " file (checksum mismatch)");
}

std::string_view unwrap_file(const FileKind& kind, const std::string& bytes, const std::string& path) {
  const std::string_view all(bytes);
  const std::uint64_t size = check_container(kind, all.substr(0, kHeader), all.size(), path);
  const std::string_view payload = all.substr(kHeader, size);
  std::uint32_t stored;
  std::memcpy(&stored, bytes.data() + kHeader + size, 4);
  check_crc(kind, crc32_of(payload), stored, path);
  return payload;
}

void write_matrix(std::ostream& out, const nn::Matrix& m) {
  data::write_pod<std::uint32_t>(out, static_cast<std::uint32_t>(m.rows()));
  data::write_pod<std::uint32_t>(out, static_cast<std::uint32_t>(m.cols()));
  // the float32 values in column order, at once
  const Eigen::MatrixXf values = m.cast<float>();
  out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(float)));
}

// With `may_be_empty`, a 0x0 matrix is accepted too (SGD keeps no second moment).
void read_matrix(std::istream& in, nn::Matrix& m, const std::string& origin, const std::string& name, bool may_be_empty) {
  auto rows = data::read_pod<std::uint32_t>(in, origin);
  auto cols = data::read_pod<std::uint32_t>(in, origin);
  if (may_be_empty && rows == 0 && cols == 0) {
    m.resize(0, 0);
    return;
  }
  if (rows != m.rows() || cols != m.cols())
    throw data::Error(origin + ": damaged (" + name + " is " + std::to_string(rows) + "x" + std::to_string(cols) +
                      ", the configuration needs " + std::to_string(m.rows()) + "x" + std::to_string(m.cols()) + ")");
  read_values(in, m, origin);
}

void read_values(std::istream& in, nn::Matrix& m, const std::string& origin) {
  // the float32 values in column order, at once: straight into m when Real is float
  const std::size_t bytes = static_cast<std::size_t>(m.size()) * sizeof(float);
  if constexpr (std::is_same_v<nn::Real, float>) {
    data::read_bytes(in, m.data(), bytes, origin);
  } else {
    Eigen::MatrixXf values(m.rows(), m.cols());
    data::read_bytes(in, values.data(), bytes, origin);
    m = values.cast<nn::Real>();
  }
}

void write_params(std::ostream& out, const nn::ParamList& params) {
  data::write_pod<std::uint32_t>(out, static_cast<std::uint32_t>(params.size()));
  for (const nn::Param* param : params) {
    data::write_string(out, param->name);
    write_matrix(out, param->value);
  }
}

void read_params(std::istream& in, const nn::ParamList& params, const std::string& origin) {
  auto count = data::read_pod<std::uint32_t>(in, origin);
  if (count != params.size())
    throw data::Error(origin + ": damaged (" + std::to_string(count) + " parameters, the configuration needs " +
                      std::to_string(params.size()) + ")");
  for (nn::Param* param : params) {
    std::string name = data::read_string(in, origin);
    if (name != param->name) throw data::Error(origin + ": damaged (parameter '" + name + "' where '" + param->name + "' belongs)");
    read_matrix(in, param->value, origin, name);
  }
}

void write_moments(std::ostream& out, nn::Optimizer& optimizer) {
  data::write_pod<std::uint32_t>(out, static_cast<std::uint32_t>(optimizer.first_moments().size()));
  for (std::size_t p = 0; p < optimizer.first_moments().size(); ++p) {
    write_matrix(out, optimizer.first_moments()[p]);
    write_matrix(out, optimizer.second_moments()[p]);
  }
}

void read_moments(std::istream& in, const nn::ParamList& params, std::vector<nn::Matrix>& first, std::vector<nn::Matrix>& second,
                  const std::string& origin) {
  auto count = data::read_pod<std::uint32_t>(in, origin);
  if (count != params.size()) throw data::Error(origin + ": damaged (optimizer state does not match the model)");
  for (nn::Param* param : params) {
    nn::Matrix m(param->value.rows(), param->value.cols()), s(m.rows(), m.cols());
    read_matrix(in, m, origin, param->name + " (first moment)");
    read_matrix(in, s, origin, param->name + " (second moment)", /*may_be_empty=*/true);
    first.push_back(std::move(m));
    second.push_back(std::move(s));
  }
}

}  // namespace ner
