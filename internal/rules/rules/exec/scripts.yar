// Starting processes and evaluating code in scripts (comment-stripped).

rule js_child_process {
  meta:
    description = "Starts other programs (node child_process, execa, cross-spawn, shelljs)"
    risk = "low"
    kinds = "script/js"
  strings:
    $r = /require\(\s*["'](node:)?child_process["']\s*\)/
    $i = /from\s+["'](node:)?child_process["']/
    $d = /import\(\s*["'](node:)?child_process["']\s*\)/
    $b = /process\.binding\(\s*["']spawn_sync["']\s*\)/
    $l = /require\(\s*["'](execa|cross-spawn|shelljs)["']\s*\)/
    $li = /from\s+["'](execa|cross-spawn|shelljs)["']/
    $bun = /\bBun\.spawn(Sync)?\s*\(/
  condition:
    any of them
}

rule js_eval {
  meta:
    description = "Evaluates code built at run time (eval, new Function, vm)"
    risk = "low"
    kinds = "script/js"
  strings:
    $e = /(^|[^.\w$])eval\s*\(/
    $f = /new\s+Function\s*\(/
    $vm = /\bvm\.(runInNewContext|runInThisContext|runInContext|compileFunction)\s*\(/
    $vs = /new\s+vm\.Script\s*\(/
  condition:
    any of them
}

rule py_subprocess {
  meta:
    description = "Starts other programs (subprocess, os.system, os.exec*, pty.spawn)"
    risk = "low"
    kinds = "script/python"
  strings:
    $s = /\bsubprocess\.(Popen|run|call|check_call|check_output|getoutput|getstatusoutput)\s*\(/
    $f = /\bfrom\s+subprocess\s+import\b/
    $o = /\bos\.(system|popen|exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?|startfile)\s*\(/
    $p = /\bpty\.spawn\s*\(/
  condition:
    any of them
}

rule py_exec_eval {
  meta:
    description = "Evaluates code built at run time (exec, eval, compile)"
    risk = "low"
    kinds = "script/python"
  strings:
    $e = /(^|[^.\w])(exec|eval)\s*\(/
    $c = /(^|[^.\w])compile\s*\([^)]{0,200}["'](exec|eval)["']/
  condition:
    any of them
}

rule ps_start_process {
  meta:
    description = "Starts other programs from PowerShell"
    risk = "low"
    kinds = "script/powershell"
  strings:
    $a = "Start-Process" nocase
    $b = "Diagnostics.Process]::Start" nocase
    $c = /(^|[\s;|(])(cmd(\.exe)?\s+\/c|saps)\s/ nocase
  condition:
    any of them
}

rule ps_invoke_expression {
  meta:
    description = "Evaluates a string as PowerShell code (Invoke-Expression / iex)"
    risk = "medium"
    kinds = "script/powershell,script/batch"
  strings:
    $a = "Invoke-Expression" nocase
    $b = /(^|[\s;|(&])iex(\s|\()/ nocase
  condition:
    any of them
}

rule reverse_shell {
  meta:
    description = "Contains a reverse-shell command (shell wired to a network socket)"
    risk = "high"
    kinds = "native,script/*,text/json"
  strings:
    $b1 = /(ba)?sh\s+-i\s*[>&0-9 ]*\/dev\/tcp\//
    $b2 = /\/dev\/tcp\/[^\s"']{3,80}\s*0>&1/
    $n1 = /\b(nc|ncat|netcat)(\.exe)?\s[^\n|;]{0,80}\s-[ec]\s*["']?(\/bin\/(ba)?sh|cmd(\.exe)?|powershell)/
    $s1 = /socat\s[^\n]{0,80}exec:["']?(\/bin\/)?(ba)?sh/ nocase
    $p1 = /os\.dup2\s*\(\s*\w+\.fileno\(\)\s*,\s*0\s*\)/
    $m1 = /mkfifo\s[^\n]{0,60}\|\s*(nc|ncat)\s/
  condition:
    any of them
}
