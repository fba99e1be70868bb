#include "inert.h"
int mach_vm_protect(unsigned, unsigned long long, unsigned long long, int, int);
void pthread_jit_write_protect_np(int);
int _NSGetExecutablePath(char *, unsigned *);
int CCCrypt(int, int, int, const void *, unsigned long, const void *, const void *, unsigned long, void *, unsigned long, unsigned long *);
int ptrace(int, int, void *, int);

void inert_misc(void) {
  if (never) {
    mach_vm_protect(0, 0, 0, 0, 7);
    pthread_jit_write_protect_np(0);
    char p[1024];
    unsigned n = sizeof p;
    _NSGetExecutablePath(p, &n);
    CCCrypt(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    ptrace(31, 0, 0, 0);
    KEEP("/Library/LaunchAgents/com.example.inert.plist");
    KEEP("security find-generic-password -s inert -w");
    KEEP("/Library/Application Support/com.apple.TCC/TCC.db");
  }
}
