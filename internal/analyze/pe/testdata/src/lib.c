/* A DLL with named exports, one export by ordinal only (see lib.def) and a
   VERSIONINFO resource (lib.rc). */
#include <windows.h>

int lib_add(int a, int b) { return a + b; }
int lib_mul(int a, int b) { return a * b; }
int lib_secret(void) { return 42; }

BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved)
{
	(void)h; (void)reason; (void)reserved;
	return TRUE;
}
