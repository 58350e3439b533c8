// Little-endian fixed-width integers, floats and length-prefixed strings on streams; a short read is a
// data::Error naming the origin ("model.bin: truncated ...").
#pragma once

#include <cstdint>
#include <cstring>
#include <istream>
#include <ostream>
#include <string>

#include "data/error.h"

namespace data {

template <typename T>
void write_pod(std::ostream& out, T value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.write(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
T read_pod(std::istream& in, const std::string& origin) {
  static_assert(std::is_trivially_copyable_v<T>);
  T value;
  if (!in.read(reinterpret_cast<char*>(&value), sizeof value)) throw Error(origin + ": truncated (unexpected end of data)");
  return value;
}

inline void write_string(std::ostream& out, const std::string& text) {
  write_pod<std::uint32_t>(out, static_cast<std::uint32_t>(text.size()));
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

// `limit` guards against a damaged length field asking for gigabytes.
inline std::string read_string(std::istream& in, const std::string& origin, std::uint32_t limit = 1u << 20) {
  auto size = read_pod<std::uint32_t>(in, origin);
  if (size > limit) throw Error(origin + ": damaged (string of " + std::to_string(size) + " bytes)");
  std::string text(size, '\0');
  if (!in.read(text.data(), size)) throw Error(origin + ": truncated (unexpected end of data)");
  return text;
}

}  // namespace data
