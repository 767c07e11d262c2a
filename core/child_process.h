// What a child process of terse (a sweep's run, a launched rank) does first after fork().
#pragma once

#include <signal.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace terse {

// Asks the kernel to SIGKILL this child when `parent` (the process that forked it) dies, however
// it dies: a sweep or launch killed with SIGKILL takes its children with it, so none keeps
// training or holds its run directory's lock. Call in the child before exec; a no-op off Linux.
inline void die_with_parent(pid_t parent) {
#ifdef __linux__
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);  // the parent died before the request took effect
#else
  (void)parent;
#endif
}

}  // namespace terse
