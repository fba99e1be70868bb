// Gathering data about the user and the machine.

rule keylogger {
  meta:
    description = "Reads keystrokes system-wide (keyboard hooks or key-state polling with window titles)"
    risk = "medium"
    kinds = "pe"
    os = "windows"
  strings:
    $h = "SetWindowsHookExA" fullword ascii
    $hw = "SetWindowsHookExW" fullword ascii
    $k1 = "GetAsyncKeyState" fullword ascii
    $k2 = "GetKeyboardState" fullword ascii
    $k3 = "MapVirtualKeyA" fullword ascii
    $k4 = "MapVirtualKeyW" fullword ascii
    $k5 = "ToUnicodeEx" fullword ascii
    $w1 = "GetForegroundWindow" fullword ascii
    $w2 = "GetWindowTextW" fullword ascii
    $w3 = "GetWindowTextA" fullword ascii
  condition:
    (any of ($h, $hw) and any of ($k*) and $w1 and any of ($w2, $w3)) or ($k1 and $w1 and any of ($w2, $w3) and any of ($k3, $k4, $k5))
}

rule screen_capture {
  meta:
    description = "Takes screenshots of the desktop"
    risk = "low"
    kinds = "native,script/*"
  strings:
    $w1 = "GetDesktopWindow" fullword ascii
    $w2 = "BitBlt" fullword ascii
    $w3 = "CreateCompatibleBitmap" fullword ascii
    $w4 = "GetDIBits" fullword ascii
    $m1 = "CGWindowListCreateImage" ascii
    $m2 = "CGDisplayCreateImage" ascii
    $m3 = /\bscreencapture\s+-/ ascii
    $p1 = /\bImageGrab\.grab\s*\(/
    $p2 = /\bpyautogui\.screenshot\s*\(/
    $p3 = /\bmss\s*\(\s*\)\s*\.(grab|shot)\b/
    $j1 = /require\(\s*["']screenshot-desktop["']\s*\)/
  condition:
    all of ($w*) or any of ($m*, $p*, $j*)
}

rule clipboard_read {
  meta:
    description = "Reads the clipboard"
    risk = "low"
    kinds = "native,script/*"
  strings:
    $w = "GetClipboardData" fullword ascii
    $m = "NSPasteboard" ascii
    $j1 = /navigator\.clipboard\.readText\s*\(/
    $j2 = /\bclipboardy\b[^\n]{0,40}\.read(Sync)?\s*\(/
    $p1 = /\bpyperclip\.paste\s*\(/
    $s1 = /\b(pbpaste|xclip\s+-o|xsel\s+(-o|--output)|Get-Clipboard)\b/
  condition:
    any of them
}

rule env_dump {
  meta:
    description = "Serialises the whole environment (all variables, including secrets)"
    risk = "medium"
    kinds = "script/*"
  strings:
    $j1 = /JSON\.stringify\s*\(\s*process\.env\s*[,)]/
    $j3 = /(Buffer\.from|btoa)\s*\(\s*JSON\.stringify\s*\(\s*process\.env/
    $p1 = /json\.dumps\s*\(\s*(dict\s*\(\s*)?os\.environ\b/
    $p2 = /\b(str|repr)\s*\(\s*os\.environ\s*\)/
    $s1 = /\$\(\s*(env|printenv)\s*(\|[^)]*)?\)/
    $s2 = /`\s*(env|printenv)\s*`/
    $s3 = /(^|[;&|\n]\s*)(env|printenv)\s*(\||>)/
    $ps = /(Get-ChildItem|gci|dir|ls)\s+env:\s*(\||$|\))/ nocase
  condition:
    // Shell text inside other languages' strings (lexers, docs) is not
    // this script's code: shell forms count in shell scripts only.
    any of ($j*) or any of ($p*) or (vouch_kind == "script/shell" and any of ($s*)) or
    (vouch_kind == "script/powershell" and $ps)
}

rule host_profile {
  meta:
    description = "Gathers host details (user name, host name, OS, network interfaces)"
    risk = "low"
    kinds = "script/js,script/python"
  strings:
    $j1 = /\bos\.hostname\s*\(/
    $j2 = /\bos\.userInfo\s*\(/
    $j3 = /\bos\.networkInterfaces\s*\(/
    $j4 = /\bos\.(platform|type|release|arch)\s*\(/
    $p1 = /\b(socket\.gethostname|platform\.node)\s*\(/
    $p2 = /\b(getpass\.getuser|os\.getlogin)\s*\(/
    $p3 = /\b(platform\.(system|platform|uname)|os\.uname)\s*\(/
    $p4 = /\b(uuid\.getnode|netifaces\.interfaces)\s*\(/
  condition:
    3 of ($j*) or 3 of ($p*)
}

rule macos_tcc_db {
  meta:
    description = "Reads the macOS privacy (TCC) permission database"
    risk = "medium"
    kinds = "native,script/*"
    os = "macos"
  strings:
    $a = "com.apple.TCC/TCC.db" ascii
  condition:
    $a
}

rule shell_history_read {
  meta:
    description = "Reads shell command history files"
    risk = "medium"
    kinds = "script/*"
  strings:
    $a = /\b(cat|readFile(Sync)?\s*\(|open\s*\()[^\n]{0,60}\.(bash|zsh)_history\b/
    $b = /["']\.(bash|zsh)_history["']/
  condition:
    any of them
}
