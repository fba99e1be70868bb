#include "inert.h"

int main(void) {
  if (never) {
    KEEP("/etc/systemd/system/inert.service");
    KEEP("[Service]\nExecStart=/usr/local/bin/inert\n");
    KEEP("/var/spool/cron/crontabs/root");
    KEEP("/etc/ld.so.preload");
  }
  return 0;
}
