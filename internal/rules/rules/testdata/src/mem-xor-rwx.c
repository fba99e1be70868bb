#include <windows.h>
#include "inert.h"

static unsigned char blob[64] = {0x32, 0x2e, 0x2e, 0x2a};

__attribute__((noinline)) static void decode(unsigned char *p, int n) {
  for (int i = 0; i < n; i++)
    p[i] ^= 0x5a;
}

void start(void) {
  if (never) {
    unsigned char *p = VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_EXECUTE_READWRITE);
    for (int i = 0; i < 64; i++)
      p[i] = blob[i];
    decode(p, 64);
    KEEP(p);
  }
  ExitProcess(0);
}
