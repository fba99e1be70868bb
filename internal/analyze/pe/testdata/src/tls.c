/* An EXE with its own TLS callback, next to the one the MinGW runtime
   registers. */
#include <windows.h>

static void NTAPI vouch_tls_callback(PVOID h, DWORD reason, PVOID reserved)
{
	(void)h; (void)reason; (void)reserved;
}

__attribute__((section(".CRT$XLB"), used))
const PIMAGE_TLS_CALLBACK vouch_tls = vouch_tls_callback;

int main(void) { return 0; }
