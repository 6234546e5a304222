#include "signals.hpp"

#include <csignal>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <unistd.h>

namespace relayload::cli {

namespace {
sigset_t watched() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}
}  // namespace

signal_watch::signal_watch() {
  const sigset_t set = watched();
  pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
}

signal_watch::~signal_watch() {
  drain();
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

int signal_watch::drain() {
  int taken = 0;
  while (wait(std::chrono::milliseconds(0)) != 0) ++taken;
  return taken;
}

void signal_watch::raise_late_signal_for_test() {
  const char* v = std::getenv("RELAYLOAD_TEST_SIGINT_AFTER_DRIVE");
  if (v == nullptr || *v == '\0') return;
  // kill(), not raise(): directed at the process as a Ctrl-C from the terminal is, not at
  // this thread.
  ::kill(::getpid(), SIGINT);
}

int signal_watch::wait(std::chrono::milliseconds timeout) {
  const sigset_t set = watched();
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  ts.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1'000'000);
  for (;;) {
    const int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig > 0) {
      if (taken_++ == 0) first_taken_ = std::chrono::steady_clock::now();
      return sig;
    }
    if (errno == EINTR) continue;
    return 0;
  }
}

}  // namespace relayload::cli
