/* A small dylib with one constructor. With -DEXTRA it also gets what the
 * 3CX macOS libffmpeg.dylib gained in its x86_64 slice only: a second
 * constructor that uses the network and the dynamic loader. Nothing here
 * is ever run: vouch only reads the linked bytes. */
extern int puts(const char *);

__attribute__((constructor)) static void vouch_init(void) { puts("init"); }

int vouch_version(void) { return 7; }

#ifdef EXTRA
extern int socket(int, int, int);
extern int connect(int, const void *, unsigned);
extern void *dlopen(const char *, int);

__attribute__((constructor)) static void vouch_extra(void) {
	int s = socket(2, 1, 0);
	connect(s, 0, 0);
	dlopen("/tmp/x", 1);
}
#endif
