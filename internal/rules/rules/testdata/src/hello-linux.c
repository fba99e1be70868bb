/* Benign: reads a file and prints it. No rule may fire on it. */
#include <stdio.h>
int main(int argc, char **argv) {
  FILE *f = fopen(argc > 1 ? argv[1] : "version.txt", "r");
  char line[256];
  while (f && fgets(line, sizeof line, f))
    fputs(line, stdout);
  printf("tool 1.2.3.4 (see docs/index.html)\n");
  return 0;
}
