#include <dlfcn.h>
#include <netdb.h>
#include <resolv.h>
#include <sys/socket.h>
#include "inert.h"

int main(void) {
  if (never) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    connect(s, 0, 0);
    bind(s, 0, 0);
    listen(s, 1);
    accept(s, 0, 0);
    struct addrinfo *ai;
    getaddrinfo("update.example.invalid", "443", 0, &ai);
    unsigned char ans[512];
    res_query("example.invalid", 1, 16, ans, sizeof ans);
    void *h = dlopen("libcurl.so.4", RTLD_NOW);
    KEEP(dlsym(h, "curl_easy_init"));
    KEEP(dlsym(h, "curl_easy_perform"));
    KEEP(dlsym(h, "SSL_connect"));
    KEEP(dlsym(h, "pcap_open_live"));
  }
  return 0;
}
