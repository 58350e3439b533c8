#include "data/traditional.h"

#include <opencc/opencc.h>

#include <unordered_map>

#include "data/error.h"
#include "data/utf8.h"

namespace data {
namespace {

// One OpenCC t2s converter, opened on first use.
class Converter {
 public:
  Converter() : handle_(opencc_open("t2s.json")) {
    if (handle_ == reinterpret_cast<opencc_t>(-1))
      throw Error(std::string("cannot open OpenCC's t2s.json (Debian package libopencc-data): ") + opencc_error());
  }
  ~Converter() { opencc_close(handle_); }
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  std::string convert(std::string_view text) {
    char* converted = opencc_convert_utf8(handle_, text.data(), text.size());
    std::string result(converted);
    opencc_convert_utf8_free(converted);
    return result;
  }

 private:
  opencc_t handle_;
};

}  // namespace

std::string simplified_character(std::string_view character) {
  thread_local Converter converter;
  thread_local std::unordered_map<std::string, std::string> cache;
  auto found = cache.find(std::string(character));
  if (found != cache.end()) return found->second;
  std::string simplified = converter.convert(character);
  // Only a one-character answer keeps offsets where they are.
  if (count_code_points(simplified) != 1 || count_code_points(character) != 1) simplified = std::string(character);
  return cache.emplace(std::string(character), std::move(simplified)).first->second;
}

}  // namespace data
