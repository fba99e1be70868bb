#include <windows.h>
#include "inert.h"

void start(void) {
  if (never) {
    KEEP(L"vssadmin.exe delete shadows /all /quiet");
    KEEP(L"All your files have been encrypted");
    KEEP(L"\\\\.\\PhysicalDrive0");
    KEEP(L"taskkill /f /im sqlservr.exe");
  }
  ExitProcess(0);
}
