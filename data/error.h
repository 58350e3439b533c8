// The one exception type the libraries throw. Its message names the data's origin first
// (`train.bio:1832: expected 2 columns, got 1`); only the CLI catches it.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace data {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A combination of options that cannot work, found by the library: the command line reports it as a usage error.
class UsageError : public Error {
 public:
  using Error::Error;
};

// "path:line: message" (line 0 leaves the line out).
inline Error error_at(const std::string& origin, std::size_t line, const std::string& message) {
  if (line == 0) return Error(origin + ": " + message);
  return Error(origin + ":" + std::to_string(line) + ": " + message);
}

}  // namespace data
