#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <winhttp.h>
#include <urlmon.h>
#include <windns.h>
#define SECURITY_WIN32
#include <security.h>
#include "inert.h"

/* wininet.h and winhttp.h clash; declare the two WinINet calls by hand. */
__declspec(dllimport) HINTERNET WINAPI InternetOpenW(LPCWSTR, DWORD, LPCWSTR, LPCWSTR, DWORD);
__declspec(dllimport) HINTERNET WINAPI InternetOpenUrlW(HINTERNET, LPCWSTR, LPCWSTR, DWORD, DWORD, DWORD_PTR);

void start(void) {
  if (never) {
    HINTERNET h = WinHttpOpen(L"x", 0, 0, 0, 0);
    HINTERNET c = WinHttpConnect(h, L"update.example.invalid", 443, 0);
    HINTERNET r = WinHttpOpenRequest(c, L"GET", L"/", 0, 0, 0, 0);
    WinHttpSendRequest(r, 0, 0, 0, 0, 0, 0);
    HINTERNET i = InternetOpenW(L"x", 0, 0, 0, 0);
    InternetOpenUrlW(i, L"http://update.example.invalid/", 0, 0, 0, 0);
    URLDownloadToFileW(0, L"http://update.example.invalid/a", L"a", 0, 0);
    WSADATA w;
    WSAStartup(0x202, &w);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    connect(s, 0, 0);
    send(s, "x", 1, 0);
    struct addrinfo *ai;
    getaddrinfo("update.example.invalid", "443", 0, &ai);
    DnsQuery_A("example.invalid", DNS_TYPE_TEXT, 0, 0, 0, 0);
    AcquireCredentialsHandleW(0, 0, 0, 0, 0, 0, 0, 0, 0);
    InitializeSecurityContextW(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    KEEP(GetProcAddress(LoadLibraryA("wpcap.dll"), "pcap_open_live"));
    KEEP("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36");
  }
  ExitProcess(0);
}
