#include "nn/side_by_side.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "nn/profile.h"

namespace nn {
namespace {

// How long each side spins for the other before sleeping: a futex wake-up costs tens of microseconds, more than
// some of the jobs, and training hands work over several times per batch.
constexpr std::chrono::microseconds kSpin{2000};

// Spins until ready() or kSpin has passed; ready()'s last answer. It yields the core every 64 turns: when the other
// side waits for this core (more runnable threads than cores: other processes, or both sides of two processes
// spinning), a spin that never yields holds it for its whole time slice, and a handover took milliseconds.
template <typename Ready>
bool spin_until(const Ready& ready) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (int k = 0;; ++k) {
    if (ready()) return true;
    if ((k & 63) == 63) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::yield();
    }
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

class Helper {
 public:
  Helper() : thread_([this] { loop(); }) {}
  ~Helper() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  void start(const std::function<void()>& job) {
    error_ = nullptr;
    done_.store(false, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_.store(&job, std::memory_order_release);
    }
    wake_.notify_one();
  }

  // Waits for the job given to start; its exception, if any.
  std::exception_ptr wait() {
    if (!spin_until([this] { return done_.load(std::memory_order_acquire); })) {
      std::unique_lock<std::mutex> lock(mutex_);
      finished_.wait(lock, [this] { return done_.load(std::memory_order_acquire); });
    }
    return error_;
  }

 private:
  void loop() {
    for (;;) {
      const std::function<void()>* job = nullptr;
      if (!spin_until([&] { return (job = job_.load(std::memory_order_acquire)) != nullptr; })) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || (job = job_.load(std::memory_order_acquire)) != nullptr; });
        if (job == nullptr) return;  // stopped
      }
      job_.store(nullptr, std::memory_order_relaxed);
      try {
        (*job)();
      } catch (...) {
        error_ = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        done_.store(true, std::memory_order_release);
      }
      finished_.notify_one();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::atomic<const std::function<void()>*> job_{nullptr};
  std::atomic<bool> done_{false};
  bool stop_ = false;
  std::exception_ptr error_;  // written by the helper before done_, read by the caller after
  std::thread thread_;        // last: starts after the members it uses exist
};

}  // namespace

void run_side_by_side(const std::function<void()>& here, const std::function<void()>& there) {
  static Helper helper;
  const std::optional<profile::Part> part = profile::current_part();
  const std::function<void()> timed_there = [&] {
    std::optional<profile::Scope> scope;
    if (part) scope.emplace(*part);
    there();
  };
  helper.start(timed_there);
  std::exception_ptr here_error;
  try {
    here();
  } catch (...) {
    here_error = std::current_exception();
  }
  if (std::exception_ptr there_error = helper.wait()) std::rethrow_exception(there_error);
  if (here_error) std::rethrow_exception(here_error);
}

void run_in_halves(bool parallel, Index n, const std::function<void(Index, Index)>& visit) {
  if (!parallel || n < 2) {
    visit(0, n);
    return;
  }
  run_side_by_side([&] { visit(0, n / 2); }, [&] { visit(n / 2, n); });
}

}  // namespace nn
