#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "inert.h"

int main(int argc, char **argv, char **envp) {
  if (never) {
    execve("/bin/true", argv, envp);
    pid_t p;
    posix_spawn(&p, "/bin/true", 0, 0, argv, envp);
    system("true");
    KEEP(popen("/bin/sh -c true", "r"));
  }
  return 0;
}
