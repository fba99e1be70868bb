#include <windows.h>
#include "inert.h"

void start(void) {
  if (never) {
    HKEY k;
    RegOpenKeyExW(HKEY_CURRENT_USER, L"Software\\Microsoft\\Windows\\CurrentVersion\\Run", 0, KEY_WRITE, &k);
    SC_HANDLE m = OpenSCManagerW(0, 0, SC_MANAGER_ALL_ACCESS);
    CreateServiceW(m, L"x", L"x", 0, 0, 0, 0, L"x.exe", 0, 0, 0, 0, 0);
    KEEP(L"schtasks /create /sc onlogon /tn x /tr x.exe");
    KEEP(L"\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\x.lnk");
    KEEP(L"__EventFilter");
    KEEP(L"CommandLineEventConsumer");
    KEEP("reg add \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options\\sethc.exe\" /v Debugger /d cmd.exe");
  }
  ExitProcess(0);
}
