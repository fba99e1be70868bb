#include <dlfcn.h>
#include "inert.h"

/* Built without optimisation: the unoptimised shape of an RC4 key schedule. */
void ksa(unsigned char *s, const unsigned char *k, int kl) {
  int i, j = 0;
  unsigned char t;
  for (i = 0; i < 256; i++)
    s[i] = (unsigned char)i;
  for (i = 0; i < 256; i++) {
    j = (j + s[i] + k[i % kl]) & 0xff;
    t = s[i];
    s[i] = s[j];
    s[j] = t;
  }
}

int main(void) {
  if (never) {
    unsigned char s[256];
    ksa(s, (const unsigned char *)"k", 1);
    KEEP(dlsym(dlopen("libcrypto.so.3", RTLD_NOW), "EVP_DecryptInit_ex"));
  }
  return 0;
}
