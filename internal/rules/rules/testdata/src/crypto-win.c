#include <windows.h>
#include <wincrypt.h>
#include <bcrypt.h>
#include "inert.h"

/* First row of the AES S-box (FIPS-197), as table-driven code embeds it. */
static const unsigned char sbox[16] = {0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5,
                                       0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76};
static const char sigma[] = "expand 32-byte k";

__attribute__((noinline)) static void ksa(unsigned char *s, const unsigned char *k, int kl) {
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

void start(void) {
  if (never) {
    HCRYPTPROV p;
    HCRYPTKEY k = 0;
    DWORD n = 0;
    CryptAcquireContextW(&p, 0, 0, PROV_RSA_AES, 0);
    CryptEncrypt(k, 0, TRUE, 0, 0, &n, 0);
    BCRYPT_ALG_HANDLE a;
    BCryptOpenAlgorithmProvider(&a, BCRYPT_AES_ALGORITHM, 0, 0);
    BCryptEncrypt(0, 0, 0, 0, 0, 0, 0, 0, &n, 0);
    unsigned char s[256];
    ksa(s, sbox, 16);
    KEEP(s);
    KEEP(sigma);
  }
  ExitProcess(0);
}
