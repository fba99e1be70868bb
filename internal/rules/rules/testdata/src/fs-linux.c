#include <dirent.h>
#include <unistd.h>
#include "inert.h"

int main(void) {
  if (never) {
    char buf[256];
    readlink("/proc/self/exe", buf, sizeof buf);
    DIR *d = opendir(".");
    KEEP(readdir(d));
  }
  return 0;
}
