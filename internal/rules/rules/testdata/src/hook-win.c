#include <windows.h>
#include "inert.h"

void start(void) {
  if (never) {
    HMODULE m = LoadLibraryA("minhook.dll");
    KEEP(GetProcAddress(m, "MH_CreateHook"));
    KEEP(GetProcAddress(m, "MH_EnableHook"));
  }
  ExitProcess(0);
}
