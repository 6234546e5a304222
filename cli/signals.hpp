// SIGINT/SIGTERM as events instead of asynchronous interruptions: the signals are blocked
// in the main thread before any other thread starts (threads inherit the mask), and the
// main thread collects them with sigtimedwait between progress updates.
#pragma once

#include <chrono>
#include <csignal>

namespace relayload::cli {

class signal_watch {
 public:
  /// Blocks SIGINT and SIGTERM in the calling thread. Construct before starting threads.
  signal_watch();
  /// Discards the watched signals still pending, then restores the previous mask: a signal
  /// that arrived after the last wait() (say a second SIGINT while the report was being
  /// written) would otherwise be delivered on unblocking and kill the process with 130.
  ~signal_watch();
  signal_watch(const signal_watch&) = delete;
  signal_watch& operator=(const signal_watch&) = delete;

  /// Waits up to `timeout` for SIGINT or SIGTERM; returns the signal number, or 0.
  int wait(std::chrono::milliseconds timeout);

  /// Takes every watched signal already pending without waiting; returns how many.
  int drain();

  /// Signals wait() has returned so far, and when the first came (steady clock; meaningless
  /// while taken() is 0). The MPI launcher's rank 0 bounds its wait for the other ranks'
  /// reports from that instant once OpenMPI is tearing the job down.
  int taken() const noexcept { return taken_; }
  std::chrono::steady_clock::time_point first_taken_at() const noexcept { return first_taken_; }

  /// Test hook (tests/cli/signal_test.sh late): when RELAYLOAD_TEST_SIGINT_AFTER_DRIVE is set
  /// and not empty, sends SIGINT to this process. Called once the drive loop has ended, it
  /// stands for a second Ctrl-C that comes after the last wait() and before the exit, without
  /// any timing: the signal stays pending (it is blocked) until drain() takes it.
  static void raise_late_signal_for_test();

 private:
  sigset_t previous_mask_{};
  int taken_ = 0;
  std::chrono::steady_clock::time_point first_taken_{};
};

}  // namespace relayload::cli
