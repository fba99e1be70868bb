// Network clients in scripts (matched against comment-stripped code).

rule js_http_client {
  meta:
    description = "Makes HTTP requests (node http/https, fetch, axios, XMLHttpRequest)"
    risk = "low"
    kinds = "script/js"
  strings:
    $req = /require\(\s*["'](node:)?https?["']\s*\)/
    $imp = /from\s+["'](node:)?https?["']/
    $lib = /require\(\s*["'](axios|node-fetch|got|request|undici|superagent|needle|cross-fetch)["']\s*\)/
    $libi = /from\s+["'](axios|node-fetch|got|undici|superagent|needle|cross-fetch)["']/
    $fetch = /(^|[^.\w$])fetch\s*\(/
    $xhr = /new\s+XMLHttpRequest\b/
    $axios = /\baxios\.(get|post|put|request)\s*\(/
  condition:
    any of them
}

rule js_socket {
  meta:
    description = "Opens raw TCP/UDP/WebSocket connections (node net, dgram, tls, ws)"
    risk = "low"
    kinds = "script/js"
  strings:
    $m = /require\(\s*["'](node:)?(net|dgram|tls)["']\s*\)/
    $i = /from\s+["'](node:)?(net|dgram|tls)["']/
    $c1 = /\b(net|tls)\.(connect|createConnection)\s*\(/
    $c2 = /new\s+(net\.)?Socket\s*\(/
    $c3 = /\bdgram\.createSocket\s*\(/
    $ws = /new\s+WebSocket\s*\(\s*["'`]wss?:\/\//
  condition:
    (any of ($m, $i) and any of ($c*)) or $ws
}

rule js_dns {
  meta:
    description = "Resolves host names or DNS records (node dns)"
    risk = "low"
    kinds = "script/js"
  strings:
    $m = /require\(\s*["'](node:)?dns(\/promises)?["']\s*\)/
    $i = /from\s+["'](node:)?dns(\/promises)?["']/
    $c = /\bdns\.(lookup|resolve|resolve4|resolve6|resolveTxt|resolveAny|resolveCname)\s*\(/
  condition:
    any of them
}

rule py_http_client {
  meta:
    description = "Makes HTTP requests (requests, urllib, http.client, httpx, aiohttp)"
    risk = "low"
    kinds = "script/python"
  strings:
    $i1 = /\bimport\s+(requests|httpx|aiohttp|urllib3|urllib2|pycurl)\b/
    $i2 = /\bfrom\s+(requests|httpx|aiohttp|urllib3|urllib\.request|http\.client)\s+import\b/
    $i3 = /\bimport\s+(urllib\.request|http\.client)\b/
    $c1 = /\b(requests|httpx|session|client)\.(get|post|put|request|patch)\s*\(/
    $c2 = /\burlopen\s*\(/
    $c3 = /\bHTTPS?Connection\s*\(/
    $c4 = /\bClientSession\s*\(/
    $c5 = /\bPoolManager\s*\(/
    $c6 = /\burlretrieve\s*\(/
  condition:
    any of ($i*) and any of ($c*)
}

rule py_socket {
  meta:
    description = "Opens raw TCP/UDP connections (Python socket)"
    risk = "low"
    kinds = "script/python"
  strings:
    $i = /\b(import\s+socket\b|from\s+socket\s+import\b)/
    $c1 = /\bsocket\.socket\s*\(/
    $c2 = /\bcreate_connection\s*\(/
    $c3 = /\.connect\s*\(\s*\(/
  condition:
    $i and any of ($c*)
}

rule py_dns {
  meta:
    description = "Resolves host names or DNS records (Python)"
    risk = "low"
    kinds = "script/python"
  strings:
    $r = /\bdns\.resolver\b/
    $g1 = /\bgethostbyname(_ex)?\s*\(/
    $g2 = /\bgetaddrinfo\s*\(/
  condition:
    any of them
}

rule shell_http_client {
  meta:
    description = "Downloads or uploads with curl or wget"
    risk = "low"
    kinds = "script/shell,script/batch"
  strings:
    $c = /(^|[\s;|&(`$"'])(curl|wget)(\.exe)?\s+\S/
  condition:
    $c
}

rule ps_web_client {
  meta:
    description = "Makes web requests from PowerShell"
    risk = "low"
    kinds = "script/powershell,script/batch"
  strings:
    $a1 = "Invoke-WebRequest" nocase
    $a2 = "Invoke-RestMethod" nocase
    $a3 = "Net.WebClient" nocase
    $a4 = "Net.Http.HttpClient" nocase
    $a5 = "Start-BitsTransfer" nocase
    $a6 = /(^|[\s|;(])(iwr|irm)\s+["'$(h]/ nocase
  condition:
    any of them
}

rule dev_tcp_socket {
  meta:
    description = "Opens a network connection through bash's /dev/tcp or /dev/udp"
    risk = "medium"
    kinds = "script/*,text/json"
  strings:
    $t = /\/dev\/(tcp|udp)\/[\w.$\{\}-]+\/[\w$\{\}]+/
  condition:
    $t
}

rule raw_socket_script {
  meta:
    description = "Opens raw or packet sockets, or crafts packets (scapy, raw-socket)"
    risk = "medium"
    kinds = "script/*"
  strings:
    $p1 = /\bsocket\.(SOCK_RAW|AF_PACKET|IPPROTO_RAW)\b/
    $p2 = /\bfrom\s+scapy(\.all)?\s+import\b|\bimport\s+scapy\b/
    $j = /require\(\s*["']raw-socket["']\s*\)/
  condition:
    any of them
}
