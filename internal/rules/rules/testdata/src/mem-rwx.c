#include <windows.h>
#include "inert.h"

void start(void) {
  if (never) {
    void *p = VirtualAlloc(0, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_EXECUTE_READWRITE);
    KEEP(p);
  }
  ExitProcess(0);
}
