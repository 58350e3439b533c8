#include "data/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "data/error.h"

namespace data {
namespace {

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The descriptor a path stands for: /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N; -1 for any other path.
int descriptor_alias(const std::string& path) {
  if (path == "/dev/stdout") return 1;
  if (path == "/dev/stderr") return 2;
  for (const std::string& prefix : {std::string("/dev/fd/"), std::string("/proc/self/fd/"), "/proc/" + std::to_string(::getpid()) + "/fd/"}) {
    if (path.compare(0, prefix.size(), prefix) != 0 || path.size() == prefix.size()) continue;
    int fd = 0;
    for (std::size_t i = prefix.size(); i < path.size(); ++i) {
      if (path[i] < '0' || path[i] > '9' || fd > 100000000) return -1;
      fd = fd * 10 + (path[i] - '0');
    }
    return fd;
  }
  return -1;
}

// Temporaries being written, which SIGINT, SIGTERM and SIGHUP remove before the process ends (unless the program
// handles those signals itself). Fixed storage, so that the handler only reads memory and calls unlink.
constexpr int kTrackedTemporaries = 16;
char tracked_paths[kTrackedTemporaries][PATH_MAX];
volatile std::sig_atomic_t tracked[kTrackedTemporaries];

void remove_temporaries_and_end(int signal) {
  remove_temporaries();
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

// The slot `path` is tracked in, or -1 when none is free (or the path is too long): then it is not removed.
int track_temporary(const std::string& path) {
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction current;
    if (::sigaction(signal, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) std::signal(signal, remove_temporaries_and_end);
  }
  if (path.size() >= PATH_MAX) return -1;
  for (int slot = 0; slot < kTrackedTemporaries; ++slot)
    if (!tracked[slot]) {
      std::memcpy(tracked_paths[slot], path.c_str(), path.size() + 1);
      std::atomic_signal_fence(std::memory_order_release);  // the path is whole before a handler may read it
      tracked[slot] = 1;
      return slot;
    }
  return -1;
}

void untrack_temporary(int slot) {
  if (slot >= 0) tracked[slot] = 0;
}

// A new file's permissions: 0666 less the umask, read once while the program starts (umask can only be read by
// setting it, which must not race with another thread creating a file).
const mode_t kNewFileMode = [] {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return static_cast<mode_t>(0666 & ~mask);
}();

// Whether two paths name the same place, spelled differently (`./m.jsonl`, `a/../m.jsonl`) or not.
bool same_place(const std::string& a, const std::string& b) {
  std::error_code error;
  const std::filesystem::path x = std::filesystem::absolute(a, error).lexically_normal(),
                              y = std::filesystem::absolute(b, error).lexically_normal();
  return a == b || (!error && x == y);
}

}  // namespace

void remove_temporaries() {
  for (int slot = 0; slot < kTrackedTemporaries; ++slot)
    if (tracked[slot]) ::unlink(tracked_paths[slot]);
}

OutputTarget classify_output(const std::string& path) {
  if (path == "-") return {OutputKind::kDescriptor, path, 1};
  if (path.empty()) throw Error("an output path is empty");
  // Follow symlinks one at a time (a link into /proc/self/fd, as /dev/stdout is, names a descriptor).
  std::string resolved = path;
  struct stat info;
  bool exists = false;
  for (int hops = 0;; ++hops) {
    if (const int fd = descriptor_alias(resolved); fd >= 0) {
      if (::fcntl(fd, F_GETFD) < 0) throw Error(path + ": cannot write: descriptor " + std::to_string(fd) + " is not open");
      return {OutputKind::kDescriptor, resolved, fd};
    }
    if (::lstat(resolved.c_str(), &info) != 0) {
      if (errno != ENOENT) throw Error(path + ": cannot write: " + std::strerror(errno));
      break;
    }
    if (!S_ISLNK(info.st_mode)) {
      exists = true;
      break;
    }
    if (hops == 40) throw Error(path + ": cannot write: too many levels of symbolic links");
    std::string target(static_cast<std::size_t>(info.st_size > 0 ? info.st_size : 4096) + 1, '\0');
    const ssize_t n = ::readlink(resolved.c_str(), target.data(), target.size());
    if (n < 0) throw Error(path + ": cannot write: " + std::strerror(errno));
    target.resize(static_cast<std::size_t>(n));
    resolved = target.front() == '/' ? target : folder_of(resolved) + "/" + target;
  }
  if (exists) {
    if (S_ISDIR(info.st_mode)) throw Error(path + ": is a directory, not a file");
    if (S_ISCHR(info.st_mode) || S_ISFIFO(info.st_mode)) return {OutputKind::kStream, resolved};
    if (!S_ISREG(info.st_mode)) throw Error(path + ": cannot write: not a regular file, character device or FIFO");
  }
  // Replaced or created: by a rename in the target's folder.
  const std::string folder = folder_of(resolved);
  struct stat folder_info;
  if (::stat(folder.c_str(), &folder_info) != 0 || !S_ISDIR(folder_info.st_mode))
    throw Error(path + ": cannot write: folder " + folder + " does not exist");
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    throw Error(path + ": cannot write: folder " + folder + " is not writable");
  return {exists ? OutputKind::kReplace : OutputKind::kCreate, resolved};
}

bool is_an_input(const std::string& path, const std::vector<std::string>& inputs) {
  // The device and inode of a path (following links; "-": standard input), if it exists.
  auto identity = [](const std::string& name, struct stat& info) {
    return name == "-" ? ::fstat(STDIN_FILENO, &info) == 0 : !name.empty() && ::stat(name.c_str(), &info) == 0;
  };
  struct stat output;
  if (!identity(path, output) || !S_ISREG(output.st_mode)) return false;
  for (const std::string& input : inputs) {
    struct stat info;
    if (identity(input, info) && info.st_dev == output.st_dev && info.st_ino == output.st_ino) return true;
  }
  return false;
}

void check_not_an_input(const std::string& output, const std::vector<std::string>& inputs) {
  if (output != "-" && is_an_input(output, inputs))
    throw Error(output + ": is an input of this command; write the output elsewhere");
}

void check_outputs(const std::vector<std::pair<std::string, std::string>>& outputs, const std::vector<std::string>& inputs) {
  std::vector<std::pair<std::string, OutputTarget>> seen;
  for (const auto& [option, path] : outputs) {
    if (path.empty()) continue;
    const OutputTarget target = classify_output(path);
    check_not_an_input(path, inputs);
    for (const auto& [other_option, other] : seen)
      if (target.kind == OutputKind::kDescriptor ? other.kind == OutputKind::kDescriptor && target.descriptor == other.descriptor
                                                 : target.kind != OutputKind::kStream && other.kind != OutputKind::kDescriptor &&
                                                       (same_place(target.path, other.path) || is_an_input(target.path, {other.path})))
        throw Error(path + ": given as both " + other_option + " and " + option + "; give each its own file");
    seen.emplace_back(option, target);
  }
}

OutputFile::OutputFile(const std::string& path) : path_(path), target_(classify_output(path)) {
  switch (target_.kind) {
    case OutputKind::kDescriptor:
      fd_ = target_.descriptor;
      return;
    case OutputKind::kStream:
      fd_ = ::open(target_.path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (fd_ < 0) throw Error(path_ + ": cannot write: " + std::strerror(errno));
      owns_fd_ = true;
      return;
    case OutputKind::kReplace:
    case OutputKind::kCreate:
      temporary_ = folder_of(target_.path) + "/." + name_of(target_.path) + ".XXXXXX";
      fd_ = ::mkstemp(temporary_.data());
      if (fd_ < 0) throw Error(path_ + ": cannot write: " + std::strerror(errno));
      owns_fd_ = true;
      tracked_slot_ = track_temporary(temporary_);
      return;
  }
}

OutputFile::~OutputFile() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
  untrack_temporary(tracked_slot_);
}

void OutputFile::fail(const std::string& what) {
  const int saved = errno;
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
  temporary_.clear();
  untrack_temporary(tracked_slot_);
  tracked_slot_ = -1;
  throw Error(path_ + ": " + what + ": " + std::strerror(saved));
}

void OutputFile::write(std::string_view bytes) {
  if (fd_ == 1) std::cout.flush();  // what the program printed through std::cout comes first
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write failed");
    done += static_cast<std::size_t>(n);
  }
}

void OutputFile::commit() {
  if (target_.kind == OutputKind::kDescriptor) return;
  if (target_.kind == OutputKind::kStream) {
    const int closed = ::close(fd_);
    fd_ = -1;
    if (closed != 0) fail("write failed");
    return;
  }
  // The replaced file's permissions (a new file's follow the umask), on disk, then renamed into place.
  struct stat info;
  const mode_t mode = target_.kind == OutputKind::kReplace && ::stat(target_.path.c_str(), &info) == 0
                          ? static_cast<mode_t>(info.st_mode & 07777)
                          : kNewFileMode;
  if (::fchmod(fd_, mode) != 0 || ::fsync(fd_) != 0) fail("write failed");
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed != 0) fail("write failed");
  if (std::rename(temporary_.c_str(), target_.path.c_str()) != 0) fail("cannot replace");
  temporary_.clear();
  untrack_temporary(tracked_slot_);
  tracked_slot_ = -1;
  // The rename itself on disk.
  const int folder = ::open(folder_of(target_.path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder >= 0) {
    ::fsync(folder);
    ::close(folder);
  }
}

void write_output_file(const std::string& path, std::string_view contents) {
  OutputFile file(path);
  file.write(contents);
  file.commit();
}

}  // namespace data
