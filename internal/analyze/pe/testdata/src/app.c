/* An EXE importing lib64.dll (by name and by ordinal), kernel32.dll, and
   user32.dll through delay-loading. */
#include <windows.h>

__declspec(dllimport) int lib_add(int, int);
__declspec(dllimport) int lib_secret(void);

int main(void)
{
	if (GetTickCount() == 0)
		MessageBoxA(NULL, "hello", "vouch", 0);
	return lib_add(1, 2) + lib_secret();
}
