#include <windows.h>
#include <wincrypt.h>
#include "inert.h"

void start(void) {
  if (never) {
    KEEP(L"\\Google\\Chrome\\User Data\\Default\\Login Data");
    KEEP(L"\\Microsoft\\Edge\\User Data\\Default\\Network\\Cookies");
    KEEP(L"\\Mozilla\\Firefox\\Profiles");
    KEEP(L"cookies.sqlite");
    KEEP(L"places.sqlite");
    KEEP("Local State");
    KEEP("encrypted_key");
    DATA_BLOB in, out;
    CryptUnprotectData(&in, 0, 0, 0, 0, 0, &out);
  }
  ExitProcess(0);
}
