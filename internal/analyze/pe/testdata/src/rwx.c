/* An EXE with a section that is writable and executable, as packers and
   injected loaders make them. */
__asm__(".section .rwx,\"wx\"\n\t.byte 0xc3\n\t.text\n");

int main(void) { return 0; }
