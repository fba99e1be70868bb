// Sending data out: throw-away collection endpoints, and secrets or the
// environment posted over the network.

rule webhook_endpoint {
  meta:
    description = "Talks to a webhook or request-capture service (Discord/Slack webhooks, webhook.site, pipedream, interactsh)"
    risk = "medium"
    kinds = "native,script/*,text/json"
  strings:
    $d = /discord(app)?\.com\/api\/webhooks\// nocase ascii wide
    $s = "hooks.slack.com/services/" nocase ascii wide
    $w1 = "webhook.site" nocase ascii wide
    $w2 = /\.m\.pipedream\.net/ nocase ascii wide
    $w3 = "requestbin" nocase ascii wide
    $w4 = /\.(burpcollaborator\.net|oastify\.com)\b/ nocase ascii wide
    $w5 = /\.(interact\.sh|oast\.(fun|live|site|online|pro|me))\b/ nocase ascii wide
    $w6 = /\.(ngrok\.io|ngrok-free\.app|ngrok\.app)\b/ nocase ascii wide
    $w7 = "canarytokens.com" nocase ascii wide
    $w8 = /\.(trycloudflare\.com|loca\.lt|serveo\.net)\b/ nocase ascii wide
  condition:
    any of them
}

rule telegram_bot_api {
  meta:
    description = "Sends messages through the Telegram bot API"
    risk = "medium"
    kinds = "native,script/*,text/json"
  strings:
    $a = "api.telegram.org/bot" nocase ascii wide
  condition:
    $a
}

rule paste_or_file_drop {
  meta:
    description = "Uploads to or fetches from a paste or anonymous file-drop site"
    risk = "medium"
    kinds = "native,script/*,text/json"
  strings:
    $p1 = /pastebin\.com\/(raw|api)\b/ nocase ascii wide
    $p2 = /\b(paste\.ee|hastebin\.com|rentry\.co|ghostbin\.\w+|dpaste\.(com|org)|controlc\.com)\b/ nocase ascii wide
    $f1 = /\b(transfer\.sh|file\.io|0x0\.st|temp\.sh|bashupload\.com|oshi\.at|gofile\.io|anonfiles\.com|catbox\.moe)\b/ nocase ascii wide
  condition:
    any of them
}

rule env_over_network {
  meta:
    description = "Sends the whole environment (all variables, including secrets) over the network"
    risk = "high"
    kinds = "script/*,text/json"
  strings:
    $je1 = /JSON\.stringify\s*\(\s*process\.env\s*[,)]/
    $jn1 = /\b(https?\.(request|get)|fetch|axios(\.\w+)?|XMLHttpRequest|dns\.(resolve\w*|lookup))\s*\(/
    $jn2 = /\.(post|put)\s*\(/
    $pe1 = /json\.dumps\s*\(\s*(dict\s*\(\s*)?os\.environ\b/
    $pe2 = /\b(str|repr)\s*\(\s*os\.environ\s*\)/
    $pn = /\b(requests\.(post|put|get)|urlopen|urllib\.request\.Request|HTTPS?Connection|httpx\.(post|put)|socket\.socket)\s*\(/
    $s1 = /\b(curl|wget)\b[^\n]{0,200}\$\(\s*(env|printenv)\b/
    $s2 = /\b(env|printenv)\b[^\n|]{0,40}\|[^\n]{0,80}\b(curl|wget|nc)\b/
    $ps = /(Get-ChildItem|gci|dir|ls)\s+env:[^\n]{0,120}(Invoke-WebRequest|Invoke-RestMethod|iwr|irm|WebClient)/ nocase
  condition:
    (any of ($je*) and any of ($jn*)) or (any of ($pe*) and $pn) or any of ($s*) or $ps
}

rule secrets_over_network {
  meta:
    description = "Reads credential files and sends data over the network in the same script"
    risk = "high"
    kinds = "script/*"
  strings:
    $c1 = /\.npmrc\b/
    $c2 = /\.ssh[\/\\]{1,2}id_|["']\.ssh["']/
    $c3 = /\.aws[\/\\]{1,2}credentials|["']\.aws["']/
    $c4 = /\.git-credentials\b/
    $c5 = /\.docker[\/\\]{1,2}config\.json/
    $c6 = /169\.254\.169\.254|metadata\.google\.internal/
    $c7 = /\bgh\s+auth\s+token\b/
    $c8 = /(Login Data|cookies\.sqlite|logins\.json|key4\.db)/
    $n1 = /\b(https?\.request|fetch|axios(\.\w+)?|XMLHttpRequest)\s*\(/
    $n2 = /\b(requests\.(post|put)|urlopen|httpx\.(post|put))\s*\(/
    $n3 = /\b(curl|wget)\s+[^\n]{0,120}(-d|--data|-F|--form|-T|--upload-file|--post-data|--post-file)\b/
    $n4 = /(Invoke-WebRequest|Invoke-RestMethod)[^\n]{0,120}-(Method\s+Post|Body|InFile)/ nocase
  condition:
    2 of ($c*) and any of ($n*)
}

rule github_repo_create {
  meta:
    description = "Creates GitHub repositories or pushes data through the GitHub API"
    risk = "medium"
    kinds = "script/*"
  strings:
    $a = /api\.github\.com\/user\/repos\b/
    $b = /\bgh\s+repo\s+create\b/
    $c = /\/repos\/[^\s"'`]{1,100}\/contents\//
    $m = /\b(POST|PUT)\b/
  condition:
    $b or (($a or $c) and $m)
}

rule upload_file {
  meta:
    description = "Uploads files with curl/wget/PowerShell"
    risk = "low"
    kinds = "script/*,text/json"
  strings:
    $c1 = /\bcurl\b[^\n]{0,160}\s(-F|--form)\s+["']?\w+=@/
    $c2 = /\bcurl\b[^\n]{0,160}\s(-T|--upload-file|--data-binary\s+["']?@)/
    $w = /\bwget\b[^\n]{0,160}--post-file/
    $p = /Invoke-(WebRequest|RestMethod)[^\n]{0,160}-InFile\b/ nocase
  condition:
    any of them
}
