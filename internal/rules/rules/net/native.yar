// Network clients and servers in native executables: Windows, POSIX, macOS
// and Go. Import names appear as NUL-terminated strings (PE hint/name
// entries, ELF .dynstr, Mach-O string tables with a leading "_"), and as
// arguments of GetProcAddress/dlsym.

rule winhttp_client {
  meta:
    description = "Makes HTTP requests with WinHTTP"
    risk = "low"
    kinds = "pe"
    os = "windows"
  strings:
    $open = "WinHttpOpen" fullword ascii
    $c1 = "WinHttpConnect" fullword ascii
    $c2 = "WinHttpOpenRequest" fullword ascii
    $c3 = "WinHttpSendRequest" fullword ascii
    $c4 = "WinHttpReceiveResponse" fullword ascii
  condition:
    $open and 2 of ($c*)
}

rule wininet_client {
  meta:
    description = "Makes HTTP/FTP requests with WinINet"
    risk = "low"
    kinds = "pe"
    os = "windows"
  strings:
    $open1 = "InternetOpenA" fullword ascii
    $open2 = "InternetOpenW" fullword ascii
    $c1 = "InternetOpenUrlA" fullword ascii
    $c2 = "InternetOpenUrlW" fullword ascii
    $c3 = "InternetConnectA" fullword ascii
    $c4 = "InternetConnectW" fullword ascii
    $c5 = "HttpSendRequestA" fullword ascii
    $c6 = "HttpSendRequestW" fullword ascii
    $c7 = "InternetReadFile" fullword ascii
  condition:
    any of ($open*) and any of ($c*)
}

rule url_download_to_file {
  meta:
    description = "Downloads a URL straight to a file (URLDownloadToFile)"
    risk = "medium"
    kinds = "pe"
    os = "windows"
  strings:
    $a = "URLDownloadToFileA" fullword ascii
    $w = "URLDownloadToFileW" fullword ascii
    $ca = "URLDownloadToCacheFileA" fullword ascii
    $cw = "URLDownloadToCacheFileW" fullword ascii
  condition:
    any of them
}

rule winsock_client {
  meta:
    description = "Opens network connections with Winsock"
    risk = "low"
    kinds = "pe"
    os = "windows"
  strings:
    $start = "WSAStartup" fullword ascii
    $c1 = "WSAConnect" fullword ascii
    $c2 = "WSASend" fullword ascii
    $c3 = "WSARecv" fullword ascii
    $c4 = "WSASocketW" fullword ascii
    $c5 = "WSASocketA" fullword ascii
    $c6 = /[\x00_]connect\x00/
    $c7 = /[\x00_]send\x00/
    $c8 = /[\x00_]recv\x00/
  condition:
    $start and any of ($c*)
}

rule posix_socket_client {
  meta:
    description = "Opens network connections with BSD sockets"
    risk = "low"
    kinds = "elf,macho,macho-fat"
  strings:
    // [\x00_]: Mach-O names start with "_", and linkers merge a name into
    // the tail of a longer one ("SSL_connect")
    $s = /[\x00_]socket\x00/
    $c = /[\x00_]connect\x00/
  condition:
    $s and $c
}

rule socket_server {
  meta:
    description = "Listens for incoming network connections"
    risk = "low"
    kinds = "native"
  strings:
    $b = /[\x00_]bind\x00/
    $l = /[\x00_]listen\x00/
    $a1 = /[\x00_]accept4?\x00/
    $a2 = "AcceptEx" fullword ascii
  condition:
    $b and $l and any of ($a*)
}

rule libcurl_client {
  meta:
    description = "Makes network requests with libcurl"
    risk = "low"
    kinds = "native"
  strings:
    $init = "curl_easy_init" fullword ascii
    $p1 = "curl_easy_perform" fullword ascii
    $p2 = "curl_multi_perform" fullword ascii
  condition:
    $init and any of ($p*)
}

rule dns_lookup {
  meta:
    description = "Resolves host names (getaddrinfo, gethostbyname, DnsQuery)"
    risk = "low"
    kinds = "native"
  strings:
    $g1 = "getaddrinfo" fullword ascii
    $g2 = "gethostbyname" fullword ascii
    $g3 = "GetAddrInfoW" fullword ascii
    $g4 = "GetAddrInfoExW" fullword ascii
    $g5 = "net.(*Resolver).lookupIPAddr" ascii
    $d1 = "DnsQuery_A" fullword ascii
    $d2 = "DnsQuery_W" fullword ascii
    $d3 = "DnsQuery_UTF8" fullword ascii
    $d4 = "DnsQueryEx" fullword ascii
  condition:
    any of them
}

rule dns_raw_query {
  meta:
    description = "Sends raw DNS queries (TXT/MX records), a channel some implants use for commands"
    risk = "low"
    kinds = "native"
  strings:
    $r1 = /[\x00_]res_n?(query|search)\x00/
    $r2 = /[\x00_]res_9_n?(query|search)\x00/
    $d1 = "DnsQuery_A" fullword ascii
    $d2 = "DnsQuery_W" fullword ascii
    $d3 = "DnsQueryEx" fullword ascii
  condition:
    any of them
}

rule packet_capture {
  meta:
    description = "Captures or injects raw network packets (libpcap/Npcap)"
    risk = "medium"
    kinds = "native"
  strings:
    $p1 = "pcap_open_live" fullword ascii
    $p2 = "pcap_sendpacket" fullword ascii
    $p3 = "pcap_inject" fullword ascii
    $p4 = "pcap_open" fullword ascii
    $n1 = "\\Device\\NPF_" ascii wide
  condition:
    any of them
}

rule macos_url_session {
  meta:
    description = "Makes HTTP requests with macOS Foundation/CFNetwork"
    risk = "low"
    kinds = "macho,macho-fat"
    os = "macos"
  strings:
    $s1 = "NSURLSession" fullword ascii
    $s2 = "NSURLConnection" fullword ascii
    $s3 = "CFHTTPMessageCreateRequest" fullword ascii
    $s4 = "CFReadStreamCreateForHTTPRequest" fullword ascii
    $s5 = "dataTaskWithRequest:" ascii
    $s6 = "dataTaskWithURL:" ascii
  condition:
    any of them
}

rule go_http_client {
  meta:
    description = "Makes HTTP requests (Go net/http client)"
    risk = "low"
    kinds = "native"
  strings:
    $c1 = "net/http.(*Client).do" ascii
    $c2 = "net/http.(*Transport).roundTrip" ascii
  condition:
    any of them
}

rule go_http_server {
  meta:
    description = "Runs an HTTP server (Go net/http)"
    risk = "low"
    kinds = "native"
  strings:
    $s = "net/http.(*Server).Serve" ascii
  condition:
    $s
}

rule go_net_dial {
  meta:
    description = "Opens network connections (Go net package)"
    risk = "low"
    kinds = "native"
  strings:
    $d1 = "net.(*Dialer).DialContext" ascii
    $d2 = "net.(*ListenConfig).Listen" ascii
  condition:
    any of them
}

rule tls_client {
  meta:
    description = "Speaks TLS (OpenSSL, GnuTLS, Schannel or Go crypto/tls)"
    risk = "low"
    kinds = "native"
  strings:
    $o1 = "SSL_connect" fullword ascii
    $o2 = "SSL_do_handshake" fullword ascii
    $g1 = "gnutls_handshake" fullword ascii
    $w1 = "InitializeSecurityContextW" fullword ascii
    $w2 = "AcquireCredentialsHandleW" fullword ascii
    $go = "crypto/tls.(*Conn).Handshake" ascii
  condition:
    any of ($o*, $g1, $go) or all of ($w*)
}

rule browser_user_agent {
  meta:
    description = "Carries a hard-coded web-browser User-Agent (requests made to look like a browser)"
    risk = "medium"
    kinds = "native"
  strings:
    $ua1 = /Mozilla\/5\.0 \((Windows NT|Macintosh|X11|Linux)/ ascii
    $ua2 = "Mozilla/5.0 (Windows NT" wide
    $ua3 = "Mozilla/5.0 (Macintosh" wide
  condition:
    any of them
}

rule onion_address {
  meta:
    description = "Contains a Tor .onion address"
    risk = "medium"
    kinds = "native,script/*,text/json"
  strings:
    $v3 = /[a-z2-7]{56}\.onion\b/ ascii wide
  condition:
    $v3
}
