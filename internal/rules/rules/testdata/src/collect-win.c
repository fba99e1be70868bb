#include <windows.h>
#include "inert.h"

static LRESULT CALLBACK hook(int c, WPARAM w, LPARAM l) { return 0; }

void start(void) {
  if (never) {
    SetWindowsHookExW(WH_KEYBOARD_LL, hook, 0, 0);
    GetAsyncKeyState(VK_SHIFT);
    HWND w = GetForegroundWindow();
    WCHAR title[64];
    GetWindowTextW(w, title, 64);
    HDC d = GetDC(GetDesktopWindow());
    HDC m = CreateCompatibleDC(d);
    HBITMAP b = CreateCompatibleBitmap(d, 1, 1);
    BitBlt(m, 0, 0, 1, 1, d, 0, 0, SRCCOPY);
    GetDIBits(m, b, 0, 1, 0, 0, 0);
    OpenClipboard(0);
    KEEP(GetClipboardData(CF_UNICODETEXT));
  }
  ExitProcess(0);
}
