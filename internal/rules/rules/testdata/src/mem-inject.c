#include <windows.h>
#include "inert.h"

void start(void) {
  if (never) {
    HANDLE h = OpenProcess(PROCESS_ALL_ACCESS, 0, 4);
    void *p = VirtualAllocEx(h, 0, 4096, MEM_COMMIT, PAGE_READWRITE);
    WriteProcessMemory(h, p, "x", 1, 0);
    CreateRemoteThread(h, 0, 0, (LPTHREAD_START_ROUTINE)p, 0, 0, 0);
    CONTEXT c;
    SetThreadContext(h, &c);
    ResumeThread(h);
    HMODULE nt = GetModuleHandleA("ntdll.dll");
    KEEP(GetProcAddress(nt, "NtUnmapViewOfSection"));
    KEEP(GetProcAddress(nt, "NtAllocateVirtualMemory"));
    KEEP(GetProcAddress(nt, "NtProtectVirtualMemory"));
    KEEP(GetProcAddress(nt, "NtWriteVirtualMemory"));
    DWORD old;
    VirtualProtect(p, 1, PAGE_READONLY, &old);
  }
  ExitProcess(0);
}
