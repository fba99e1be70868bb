#include <windows.h>
#include "inert.h"

/* "https://" XOR 0x5a, and "powershell -nop" in base64: encoded data only. */
static const unsigned char url[] = {0x32, 0x2e, 0x2e, 0x2a, 0x29, 0x60, 0x75, 0x75};
static const char b64[] = "cG93ZXJzaGVsbCAtbm9w";
/* Section names as UPX writes them. */
__attribute__((section("UPX0"))) const char upx0[] = "UPX!";
__attribute__((section("UPX1"))) const char upx1[] = "x";

void start(void) {
  if (never) {
    KEEP(url);
    KEEP(b64);
    KEEP(upx0);
    KEEP(upx1);
  }
  ExitProcess(0);
}
