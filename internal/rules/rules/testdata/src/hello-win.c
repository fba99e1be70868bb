/* Benign: a plain MinGW program, CRT included (imports VirtualProtect for
 * its pseudo-relocations). No rule may fire on it. */
#include <stdio.h>
int main(void) {
  puts("hello");
  return 0;
}
