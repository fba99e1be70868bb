#include <windows.h>
#include <wincred.h>
#include "inert.h"

void start(void) {
  if (never) {
    DWORD n;
    PCREDENTIALW *c;
    CredEnumerateW(0, 0, &n, &c);
    KEEP(L"lsass.exe");
    KEEP(GetProcAddress(LoadLibraryA("dbghelp.dll"), "MiniDumpWriteDump"));
  }
  ExitProcess(0);
}
