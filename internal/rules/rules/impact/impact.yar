// Destroying things: recursive deletes, wiping, ransomware traits.

rule recursive_delete {
  meta:
    description = "Deletes directory trees recursively"
    risk = "low"
    kinds = "script/*,text/json"
  strings:
    $s = /\brm\s+-[a-zA-Z]*[rR][a-zA-Z]*\s/
    $s2 = /\brm\s+--recursive\b/
    $j1 = /\b(rmSync|rmdirSync|rm|rmdir)\s*\([^)]{0,200}recursive\s*:\s*(true|!0)/
    $j2 = /require\(\s*["'](rimraf|del|fs-extra)["']\s*\)/
    $j3 = /\b(rimraf|removeSync|emptyDirSync)\s*(\.sync)?\s*\(/
    $p1 = /\bshutil\.rmtree\s*\(/
    $ps = /Remove-Item\b[^\n]{0,120}-Recurse\b/ nocase
    $b = /\b(rd|rmdir)\s+\/s\b/ nocase
  condition:
    any of them
}

rule wipe_home_or_root {
  meta:
    description = "Recursively deletes the home directory or the file-system root"
    risk = "high"
    kinds = "script/*,text/json"
  strings:
    $s1 = /\brm\s+-[a-zA-Z]*[rR][a-zA-Z]*\s+(--no-preserve-root\s+)?["']?(~|\$HOME|\$\{HOME\}|\/|\/\*|~\/\*|\$HOME\/\*)["']?(\s|$|;|&|\|)/
    $j1 = /\b(rmSync|rmdirSync|rm|rmdir)\s*\(\s*(os\.homedir\s*\(\s*\)|homedir\s*\(\s*\)|process\.env\.HOME|["']\/["'])\s*,[^)]{0,120}recursive/
    $j2 = /\b(rimraf|removeSync)\s*(\.sync)?\s*\(\s*(os\.homedir\s*\(\s*\)|process\.env\.HOME|["']\/["'])/
    $p1 = /\bshutil\.rmtree\s*\(\s*(os\.path\.expanduser\s*\(\s*["']~["']\s*\)|Path\.home\s*\(\s*\)|["']\/["']|os\.environ\[["']HOME["']\])/
    $ps = /Remove-Item\s+(-Path\s+)?["']?(\$HOME|\$env:USERPROFILE|~|C:\\)["']?\\?\*?\s[^\n]{0,60}-Recurse/ nocase
    $b = /\b(rd|rmdir)\s+\/s\s+\/q\s+(C:\\|%USERPROFILE%)/ nocase
  condition:
    any of them
}

rule shadow_copy_delete {
  meta:
    description = "Deletes Windows shadow copies or disables recovery (ransomware preparation)"
    risk = "high"
    kinds = "native,script/*"
    os = "windows"
  strings:
    $a = /vssadmin(\.exe)?["']?\s+delete\s+shadows/ nocase ascii wide
    $b = /wmic(\.exe)?["']?\s+shadowcopy\s+delete/ nocase ascii wide
    $c = /bcdedit(\.exe)?["']?\s+\/set\s+\{default\}\s+recoveryenabled\s+no/ nocase ascii wide
    $d = /wbadmin(\.exe)?["']?\s+delete\s+catalog/ nocase ascii wide
    $e = /Win32_ShadowCopy[^\n]{0,80}Delete/ nocase ascii wide
  condition:
    any of them
}

rule ransom_note {
  meta:
    description = "Contains ransom-note text"
    risk = "high"
    kinds = "native,script/*"
  strings:
    $a = /(all\s+)?your\s+(important\s+)?files\s+(have\s+been|are|were)\s+encrypted/ nocase ascii wide
    $b = /to\s+decrypt\s+(your\s+)?files[^\n]{0,120}(bitcoin|btc|monero|xmr)/ nocase ascii wide
  condition:
    any of them
}

rule disk_wipe {
  meta:
    description = "Overwrites raw disks or formats file systems"
    risk = "high"
    kinds = "script/*"
  strings:
    $a = /\bdd\s+[^\n]{0,60}of=\/dev\/(sd[a-z]|nvme\d|hd[a-z]|vd[a-z]|xvd[a-z]|disk\d)/
    $b = /\bmkfs(\.\w+)?\s+[^\n]{0,30}\/dev\/(sd[a-z]|nvme\d|hd[a-z]|vd[a-z])/
    $c = /\\{2,4}\.\\{1,2}PhysicalDrive\d/ nocase
    $d = /\bshred\s+[^\n]{0,30}\/dev\//
    $e = /\bformat\s+[c-zC-Z]:\s+\/q\b/
  condition:
    any of them
}

rule raw_disk_access {
  meta:
    description = "Opens a raw physical disk (\\\\.\\PhysicalDrive)"
    risk = "medium"
    kinds = "pe"
    os = "windows"
  strings:
    $a = "\\\\.\\PhysicalDrive" nocase ascii wide
  condition:
    $a
}

rule fork_bomb {
  meta:
    description = "Contains a shell fork bomb"
    risk = "high"
    kinds = "script/*,text/json"
  strings:
    $a = ":(){ :|:& };:"
    $b = ":(){:|:&};:"
    $c = ":(){ :|: & };:"
  condition:
    any of them
}

rule mass_kill {
  meta:
    description = "Force-kills other processes by name"
    risk = "low"
    kinds = "native,script/*"
  strings:
    $a = /taskkill(\.exe)?["']?\s+\/f\s+\/im\s/ nocase ascii wide
    $b = /\b(pkill|killall)\s+-9\s/ ascii
    $c = /Stop-Process\s[^\n]{0,60}-Force/ nocase
  condition:
    any of them
}
