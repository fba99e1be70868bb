#include <windows.h>
#include <shellapi.h>
#include "inert.h"

void start(void) {
  if (never) {
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    CreateProcessW(0, L"cmd.exe /c echo inert", 0, 0, 0, 0, 0, 0, &si, &pi);
    ShellExecuteW(0, L"open", L"notepad.exe", 0, 0, 0);
    WinExec("cmd.exe /c echo inert", 0);
  }
  ExitProcess(0);
}
