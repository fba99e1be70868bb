/* Go binaries carry their function names (pclntab), NUL-separated; this
 * fixture holds a few of them as plain data, the way the rules see them. */
#include "inert.h"

static const char names[] =
    "net/http.(*Client).do\0"
    "net/http.(*Transport).roundTrip\0"
    "net/http.(*Server).Serve\0"
    "net.(*Dialer).DialContext\0"
    "net.(*Resolver).lookupIPAddr\0"
    "crypto/tls.(*Conn).Handshake\0"
    "os/exec.(*Cmd).Start\0"
    "os.ReadDir\0";

int main(void) {
  if (never)
    KEEP(names);
  return 0;
}
