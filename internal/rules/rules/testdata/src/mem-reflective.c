#include <windows.h>
#include "inert.h"

/* Only the export name matters to the rule; the body does nothing. */
__declspec(dllexport) ULONG_PTR WINAPI ReflectiveLoader(void *p) {
  KEEP(p);
  return 0;
}

BOOL WINAPI DllMain(HINSTANCE h, DWORD r, void *x) { return TRUE; }
