#include <sys/ptrace.h>
#include <stdio.h>
#include "inert.h"

int main(void) {
  if (never) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    FILE *f = fopen("/proc/self/status", "r");
    KEEP(f);
    KEEP("TracerPid:");
  }
  return 0;
}
