#include <windows.h>
#include "inert.h"

/* mov eax, 0x80070057; ret: the AMSI patch bytes, kept as data only */
static const unsigned char patch[] = {0xb8, 0x57, 0x00, 0x07, 0x80, 0xc3};

void start(void) {
  if (never) {
    Sleep(86400000);
    KEEP(L"powershell -c Set-MpPreference -DisableRealtimeMonitoring $true");
    KEEP(GetProcAddress(LoadLibraryA("amsi.dll"), "AmsiScanBuffer"));
    DWORD old;
    VirtualProtect((void *)patch, sizeof patch, PAGE_EXECUTE_READWRITE, &old);
    KEEP("cmd.exe /c ping 127.0.0.1 -n 3 > nul & del x.exe");
    KEEP("http://ip-api.com.invalid/json");
    WCHAR loc[85];
    GetUserDefaultLocaleName(loc, 85);
    KEEP(L"'ru-RU'");
  }
  ExitProcess(0);
}
