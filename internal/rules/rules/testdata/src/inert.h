/* Shared by the fixture sources: nothing here ever runs. Each fixture only
 * has to *contain* the imports, strings and code shapes a rule looks for;
 * the code that would use them sits behind `never`, which is zero. */
volatile int never;
volatile const void *volatile sink;
#define KEEP(p) (sink = (const void *)(p))
