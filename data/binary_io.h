// Little-endian fixed-width integers, floats and length-prefixed strings on streams; a short read is a
// data::Error naming the origin ("model.bin: truncated ...").
#pragma once

#include <cstdint>
#include <cstring>
#include <istream>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

#include "data/error.h"

namespace data {

// The 8 bytes that begin the model and checkpoint files ner writes (ner/model/model_io.cc), by which readers of other
// kinds of input recognise them.
inline constexpr std::string_view kModelMagic{"NERMODEL", 8};
inline constexpr std::string_view kCheckpointMagic{"NERCKPT1", 8};
inline constexpr std::string_view kLmMagic{"NERLMOD1", 8};            // a character language model (ner/lm/lm.h)
inline constexpr std::string_view kLmCheckpointMagic{"NERLMCK1", 8};  // its training checkpoint

// Refuses input that is certainly not text, by its first bytes: ner's own models and checkpoints, and gzip data.
// `expected` says what it should have been ("a corpus", "text").
inline void refuse_known_binary(std::string_view head, const std::string& origin, const std::string& expected) {
  if (head.substr(0, kModelMagic.size()) == kModelMagic) throw Error(origin + ": is a ner model file, not " + expected);
  if (head.substr(0, kCheckpointMagic.size()) == kCheckpointMagic)
    throw Error(origin + ": is a ner checkpoint file, not " + expected);
  if (head.substr(0, kLmMagic.size()) == kLmMagic) throw Error(origin + ": is a ner language model file, not " + expected);
  if (head.substr(0, kLmCheckpointMagic.size()) == kLmCheckpointMagic)
    throw Error(origin + ": is a ner language-model checkpoint file, not " + expected);
  if (head.substr(0, 2) == "\x1F\x8B") throw Error(origin + ": is gzip-compressed, not " + expected + " (decompress it first)");
}

// An input stream reading bytes held elsewhere, without copying them (std::istringstream copies); tellg works.
class ViewStream : public std::istream {
 public:
  explicit ViewStream(std::string_view bytes) : std::istream(nullptr), buffer_(bytes) { rdbuf(&buffer_); }

 private:
  struct Buffer : std::streambuf {
    explicit Buffer(std::string_view bytes) {
      char* begin = const_cast<char*>(bytes.data());  // only ever read
      setg(begin, begin, begin + bytes.size());
    }
    pos_type seekoff(off_type offset, std::ios_base::seekdir dir, std::ios_base::openmode) override {
      if (dir != std::ios_base::cur || offset != 0) return pos_type(off_type(-1));
      return pos_type(gptr() - eback());
    }
  };
  Buffer buffer_;
};

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

// n bytes as they are, in one call (the numbers of a file are the host's: little-endian).
inline void read_bytes(std::istream& in, void* bytes, std::size_t n, const std::string& origin) {
  if (!in.read(static_cast<char*>(bytes), static_cast<std::streamsize>(n)))
    throw Error(origin + ": truncated (unexpected end of data)");
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
