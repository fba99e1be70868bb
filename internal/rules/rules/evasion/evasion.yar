// Hiding from defenders and choosing victims: disabling security tools,
// clearing traces, delayed or targeted execution (long sleeps, "N days
// later" timers, geolocation and locale gates).

rule disable_defender {
  meta:
    description = "Turns off or blinds Microsoft Defender"
    risk = "high"
    kinds = "native,script/*"
    os = "windows"
  strings:
    $a = /Set-MpPreference[^\n]{0,80}-Disable(RealtimeMonitoring|BehaviorMonitoring|IOAVProtection|ScriptScanning)/ nocase ascii wide
    $b = /Add-MpPreference[^\n]{0,40}-Exclusion(Path|Process|Extension)/ nocase ascii wide
    $c = "DisableAntiSpyware" nocase ascii wide
    $d = /Windows Defender\\{1,2}Exclusions/ nocase ascii wide
  condition:
    any of them
}

rule clear_logs {
  meta:
    description = "Clears system logs or shell history"
    risk = "high"
    kinds = "native,script/*"
  strings:
    $w1 = /wevtutil(\.exe)?["']?\s+cl\s/ nocase ascii wide
    $w2 = "Clear-EventLog" nocase ascii wide
    $h1 = /history\s+-c\b/ ascii
    $h2 = /unset\s+HISTFILE\b/ ascii
    $h3 = /(rm|unlink|truncate)\s[^\n]{0,20}\.(bash|zsh)_history\b/ ascii
    $h4 = /HISTFILE=\/dev\/null/ ascii
  condition:
    any of them
}

rule amsi_bypass {
  meta:
    description = "Disables the Windows Antimalware Scan Interface (AMSI) in its own process"
    risk = "high"
    kinds = "native,script/*"
    os = "windows"
  strings:
    $f = "amsiInitFailed" nocase ascii wide
    $s = "AmsiScanBuffer" ascii wide
    $p1 = "VirtualProtect" ascii wide
    $p2 = "WriteProcessMemory" ascii wide
    $u = "AmsiUtils" nocase ascii wide
    // mov eax, E_INVALIDARG; ret (the usual patch)
    $b = { B8 57 00 07 80 C3 }
  condition:
    $f or $u or ($s and (any of ($p*) or $b))
}

rule self_delete {
  meta:
    description = "Deletes its own file after running"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $c1 = /ping\s+(-n\s+\d+\s+)?127\.0\.0\.1[^\n]{0,40}(>\s*nul\s*)?&\s*del\s/ nocase ascii wide
    $c2 = /timeout\s+\/t\s+\d+[^\n]{0,30}&\s*del\s/ nocase ascii wide
    $j = /(unlink|rm)(Sync)?\s*\(\s*__filename\s*[,)]/
    $p = /os\.(remove|unlink)\s*\(\s*(__file__|sys\.argv\[0\])\s*\)/
    $s = /\brm\s+(-f\s+)?["']?\$0["']?/
    $ps = /Remove-Item[^\n]{0,40}\$(MyInvocation\.MyCommand\.Path|PSCommandPath)/ nocase
  condition:
    any of them
}

rule hidden_powershell {
  meta:
    description = "Starts PowerShell hidden and without profile or execution policy"
    risk = "medium"
    kinds = "native,script/*,text/json"
    os = "windows"
  strings:
    $ps = "powershell" nocase ascii wide
    $h = /[\s"']-w(indowstyle)?\s+hid(den)?\b/ nocase ascii wide
    $n1 = /[\s"']-(nop|noprofile)\b/ nocase ascii wide
    $n2 = /[\s"']-(ep|exec|executionpolicy)\s+bypass\b/ nocase ascii wide
    $n3 = /[\s"']-noni(nteractive)?\b/ nocase ascii wide
  condition:
    $ps and $h and any of ($n*)
}

rule detached_child {
  meta:
    description = "Starts a detached background process that outlives the installer"
    risk = "medium"
    kinds = "script/*"
  strings:
    $d = /detached\s*:\s*(true|!0)/
    $u = /\.unref\s*\(\s*\)/
    $n = /\bnohup\s[^\n]{0,120}&\s*(disown)?\s*$/
    $n2 = /\bnohup\s[^\n]{0,120}>\s*\/dev\/null\s+2>&1\s*&/
  condition:
    ($d and $u) or $n or $n2
}

rule long_delay {
  meta:
    description = "Waits a day or more before acting (time-delayed behaviour)"
    risk = "medium"
    kinds = "script/*"
  strings:
    $t1 = /setTimeout\s*\([\s\S]{0,1000},\s*([89]\d{7}|[1-9]\d{8})\s*\)/
    $t2 = /setTimeout\s*\([\s\S]{0,1000},\s*(\d+\s*\*\s*)?(864e5|24\s*\*\s*60\s*\*\s*60\s*\*\s*(1000|1e3)|(1000|1e3)\s*\*\s*60\s*\*\s*60\s*\*\s*24|60\s*\*\s*60\s*\*\s*24\s*\*\s*(1000|1e3))(\s*\*\s*\d+)?\s*\)/
    $p1 = /\btime\.sleep\s*\(\s*([89]\d{4}|[1-9]\d{5,})(\.\d+)?\s*\)/
    $p2 = /\btime\.sleep\s*\(\s*(\d+\s*\*\s*)?(86400|24\s*\*\s*60\s*\*\s*60|60\s*\*\s*60\s*\*\s*24|24\s*\*\s*3600|3600\s*\*\s*24)\b/
    $s1 = /\bsleep\s+([89]\d{4}|[1-9]\d{5,})\b/
    $s2 = /\bsleep\s+\d+d\b/
    $ps = /Start-Sleep\s+(-s(econds)?\s+)?([89]\d{4}|[1-9]\d{5,})\b/ nocase
  condition:
    any of them
}

rule date_gate {
  meta:
    description = "Acts only after a date or after N days (time bomb, \"days later\" file timer)"
    risk = "low"
    kinds = "script/*"
  strings:
    $now1 = /\bDate\.now\s*\(\s*\)/
    $now2 = /new\s+Date\s*\(\s*\)/
    $now3 = /\b(time\.time|datetime\.(now|utcnow|today)|date\.today)\s*\(\s*\)/
    $file1 = /\.(mtime|birthtime|ctime|mtimeMs|birthtimeMs|ctimeMs)\b/
    $file2 = /\b(st_mtime|st_ctime|st_birthtime|getmtime|getctime)\b/
    $day1 = /\b(864e5|86400000|86400)\b/
    $day2 = /24\s*\*\s*60\s*\*\s*60/
    $day3 = /60\s*\*\s*60\s*\*\s*24/
    $day4 = /\btimedelta\s*\(\s*days\s*=/
    $fixed1 = /new\s+Date\s*\(\s*["']20\d\d-\d\d-\d\d/
    $fixed2 = /new\s+Date\s*\(\s*20\d\d\s*,\s*\d{1,2}\s*,/
    $fixed3 = /datetime\s*\(\s*20\d\d\s*,\s*\d{1,2}\s*,\s*\d{1,2}\s*\)/
    $cmp = /(Date\.now\s*\(\s*\)|new\s+Date\s*\(\s*\)|datetime\.now\s*\(\s*\))\s*[<>]=?/
  condition:
    (any of ($now*) and any of ($file*) and any of ($day*)) or ((any of ($fixed*)) and $cmp)
}

rule native_long_sleep {
  meta:
    description = "Sleeps for a day or a week at a time (Sleep with a huge constant)"
    risk = "medium"
    kinds = "pe"
    os = "windows"
  strings:
    $s1 = "Sleep" fullword ascii
    $s2 = "SleepEx" fullword ascii
    // mov ecx / push / mov [esp] with 86400000 (1 day) or 604800000 (7 days) ms
    $x64d = { B9 00 5C 26 05 }
    $x64w = { B9 00 84 0C 24 }
    $x86d = { (68 | C7 04 24) 00 5C 26 05 }
    $x86w = { (68 | C7 04 24) 00 84 0C 24 }
  condition:
    any of ($s*) and any of ($x*)
}

rule geolocation_lookup {
  meta:
    description = "Looks up the machine's country or location from its IP address"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $a1 = "ip-api.com" nocase ascii wide
    $a2 = "ipinfo.io" nocase ascii wide
    $a3 = "ipapi.co" nocase ascii wide
    $a4 = "freegeoip" nocase ascii wide
    $a5 = "ipwho.is" nocase ascii wide
    $a6 = "geolocation-db.com" nocase ascii wide
    $a7 = "ipgeolocation.io" nocase ascii wide
    $a8 = "api.country.is" nocase ascii wide
    $a9 = "ip2location" nocase ascii wide
    $a10 = "extreme-ip-lookup.com" nocase ascii wide
  condition:
    any of them
}

rule locale_gate {
  meta:
    description = "Checks the system language or time zone for particular countries"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $l1 = /Intl\.DateTimeFormat\s*\(\s*\)\s*\.resolvedOptions\s*\(\s*\)/
    $l2 = /process\.env\.(LANG|LC_ALL|LANGUAGE)\b/
    $l3 = /\blocale\.(getdefaultlocale|getlocale)\s*\(/
    $l4 = /os\.environ(\.get\s*\(|\[)\s*["'](LANG|LC_ALL)["']/
    $l5 = "GetUserDefaultLocaleName" fullword ascii
    $l6 = "GetUserDefaultUILanguage" fullword ascii
    $l7 = "GetKeyboardLayoutList" fullword ascii
    $l8 = "GetSystemDefaultLangID" fullword ascii
    $l9 = /\$(LANG|LC_ALL)\b/
    $c1 = /["'](ru[-_]RU|uk[-_]UA|be[-_]BY|kk[-_]KZ|fa[-_]IR|zh[-_]CN)["']/ ascii wide
    $c2 = /["'](Europe\/Moscow|Europe\/Minsk|Europe\/Kiev|Europe\/Kyiv|Asia\/Tehran|Asia\/Shanghai)["']/ ascii
    $c3 = /ru_RU|uk_UA|be_BY/ ascii
  condition:
    any of ($l*) and any of ($c*)
}

rule country_targeting {
  meta:
    description = "Looks up the machine's country and compares it with a target list (geotargeted payload)"
    risk = "high"
    kinds = "script/*"
  strings:
    $g1 = "ip-api.com" nocase
    $g2 = "ipinfo.io" nocase
    $g3 = "ipapi.co" nocase
    $g4 = "ipwho.is" nocase
    $g5 = "geolocation-db.com" nocase
    $g6 = "api.country.is" nocase
    $c1 = /\b(country|country_code|countryCode|country_name)\b[^\n]{0,80}["'](RU|BY|UA|IR|CN|KP|Russia|Belarus)["']/
    $c2 = /["'](RU|BY|UA|IR|CN|KP|Russia|Belarus)["'][^\n]{0,80}\b(country|country_code|countryCode|country_name)\b/
  condition:
    any of ($g*) and any of ($c*)
}
