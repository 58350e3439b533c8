// Files the tool writes. What writing a path means depends on what it names:
//   "-", /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N   the already open descriptor, written as a stream;
//   a character device, a FIFO or a socket (after following symlinks)  opened and written as a stream;
//   a regular file, or a path that does not exist yet (after following symlinks)  replaced atomically: the bytes go
//       to a temporary file created exclusively (mkstemp) beside the resolved target, which commit() flushes to disk,
//       gives the target's permissions and renames over it, so a failure leaves the old file (or none) untouched and
//       a symlink keeps pointing at the new contents;
//   a directory, a path in a missing folder, or anything else  an error naming the path, before anything is written.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace data {

enum class OutputKind {
  kDescriptor,  // an open descriptor ("-" is standard output)
  kStream,      // a character device, FIFO or socket, opened for writing
  kReplace,     // an existing regular file, replaced atomically
  kCreate,      // a new regular file, created atomically
};

struct OutputTarget {
  OutputKind kind;
  std::string path;  // symlinks followed (kStream, kReplace, kCreate)
  int descriptor = -1;  // kDescriptor
};

// What writing `path` would do (see above). Touches nothing; throws data::Error "PATH: ..." for a directory, a
// missing or unwritable folder, a symlink loop or an unsupported kind of file.
OutputTarget classify_output(const std::string& path);

// Whether `path` names the same existing file (device and inode, symlinks followed) as one of `inputs` ("-":
// whatever standard input is).
bool is_an_input(const std::string& path, const std::vector<std::string>& inputs);

// Throws data::Error when `output` is one of `inputs`, which writing it would destroy ("-" is never refused).
void check_not_an_input(const std::string& output, const std::vector<std::string>& inputs);

// Checks a command's outputs (option name and path; "" for none) before any work: each is classified, none is one
// of `inputs`, and no two name the same file (after following links).
void check_outputs(const std::vector<std::pair<std::string, std::string>>& outputs, const std::vector<std::string>& inputs);

// Removes every temporary being written (async-signal-safe: for a signal handler that ends the process; files are
// opened from one thread at a time).
void remove_temporaries();

// A file being written, as classify_output says. Destroyed without commit() (an error on the way), a replaced or
// created file is left as it was (the temporary is removed); a stream keeps what was written.
class OutputFile {
 public:
  explicit OutputFile(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view bytes);
  void commit();
  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void fail(const std::string& what);  // closes, removes the temporary, throws data::Error

  std::string path_;  // as given, for messages
  OutputTarget target_;
  std::string temporary_;  // kReplace, kCreate
  int fd_ = -1;
  bool owns_fd_ = false;
  int tracked_slot_ = -1;  // where a signal handler finds the temporary to remove it
};

// Writes `contents` to `path` through an OutputFile.
void write_output_file(const std::string& path, std::string_view contents);

}  // namespace data
