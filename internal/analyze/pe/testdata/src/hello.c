/* A plain console program. */
#include <windows.h>

int main(void) { return (int)GetCurrentProcessId() & 1; }
