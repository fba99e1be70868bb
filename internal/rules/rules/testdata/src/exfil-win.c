#include <windows.h>
#include "inert.h"

void start(void) {
  if (never) {
    KEEP(L"https://discord.com/api/webhooks/0/inert");
    KEEP("https://api.telegram.org/bot0:inert/sendMessage");
    KEEP("https://pastebin.com/raw/inert");
  }
  ExitProcess(0);
}
