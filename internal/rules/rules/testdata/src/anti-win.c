#include <windows.h>
#include "inert.h"

void start(void) {
  if (never) {
    if (IsDebuggerPresent())
      ExitProcess(1);
    KEEP(L"VBoxService.exe");
    KEEP(L"vmtoolsd.exe");
    KEEP(L"QEMU HARDDISK");
    KEEP(L"wireshark.exe");
    KEEP(L"procmon.exe");
    KEEP(L"x64dbg.exe");
    KEEP("SbieDll.dll");
    KEEP("cuckoomon.dll");
  }
  ExitProcess(0);
}
