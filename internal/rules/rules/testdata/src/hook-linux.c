#include "inert.h"

int main(void) {
  if (never)
    KEEP("LD_PRELOAD=/tmp/inert.so");
  return 0;
}
