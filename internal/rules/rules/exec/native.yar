// Starting other programs from native executables.

rule win_create_process {
  meta:
    description = "Starts other programs (CreateProcess)"
    risk = "low"
    kinds = "pe"
    os = "windows"
  strings:
    $a = "CreateProcessA" fullword ascii
    $w = "CreateProcessW" fullword ascii
    $ua = "CreateProcessAsUserA" fullword ascii
    $uw = "CreateProcessAsUserW" fullword ascii
    $lw = "CreateProcessWithLogonW" fullword ascii
    $tw = "CreateProcessWithTokenW" fullword ascii
  condition:
    any of them
}

rule win_shell_execute {
  meta:
    description = "Opens files or starts programs through the Windows shell (ShellExecute)"
    risk = "low"
    kinds = "pe"
    os = "windows"
  strings:
    $a = "ShellExecuteA" fullword ascii
    $w = "ShellExecuteW" fullword ascii
    $ea = "ShellExecuteExA" fullword ascii
    $ew = "ShellExecuteExW" fullword ascii
  condition:
    any of them
}

rule win_winexec {
  meta:
    description = "Runs a command line with the legacy WinExec API"
    risk = "medium"
    kinds = "pe"
    os = "windows"
  strings:
    $a = "WinExec" fullword ascii
  condition:
    $a
}

rule posix_exec {
  meta:
    description = "Starts other programs (exec family, posix_spawn)"
    risk = "low"
    kinds = "elf,macho,macho-fat"
  strings:
    $e1 = "execve" fullword ascii
    $e2 = "execvp" fullword ascii
    $e3 = "execvpe" fullword ascii
    $e4 = "execl" fullword ascii
    $e5 = "execlp" fullword ascii
    $e6 = "execv" fullword ascii
    $e7 = "fexecve" fullword ascii
    $s1 = "posix_spawn" fullword ascii
    $s2 = "posix_spawnp" fullword ascii
  condition:
    any of them
}

rule posix_shell_command {
  meta:
    description = "Runs shell command lines (system, popen)"
    risk = "low"
    kinds = "elf,macho,macho-fat"
  strings:
    // [\x00_]: Mach-O names start with "_", and linkers merge a name into
    // the tail of a longer one ("__libc_system")
    $s = /[\x00_]system\x00/
    $p = /[\x00_]popen\x00/
  condition:
    any of them
}

rule macos_nstask {
  meta:
    description = "Starts other programs with NSTask (macOS)"
    risk = "low"
    kinds = "macho,macho-fat"
    os = "macos"
  strings:
    $t = "NSTask" fullword ascii
    $l1 = "setLaunchPath:" ascii
    $l2 = "setExecutableURL:" ascii
    $l3 = "launchedTaskWithLaunchPath:" ascii
    $l4 = "launchAndReturnError:" ascii
  condition:
    $t and any of ($l*)
}

rule macos_privileged_exec {
  meta:
    description = "Runs programs with administrator rights (AuthorizationExecuteWithPrivileges, SMJobBless)"
    risk = "medium"
    kinds = "macho,macho-fat"
    os = "macos"
  strings:
    $a = "AuthorizationExecuteWithPrivileges" ascii
    $b = "SMJobBless" ascii
  condition:
    any of them
}

rule go_os_exec {
  meta:
    description = "Starts other programs (Go os/exec)"
    risk = "low"
    kinds = "native"
  strings:
    $c1 = "os/exec.(*Cmd).Start" ascii
    $c2 = "syscall.StartProcess" ascii
    $c3 = "os.StartProcess" ascii
  condition:
    any of them
}

rule embedded_shell_command {
  meta:
    description = "Carries a shell command line to run (cmd.exe /c, powershell, sh -c)"
    risk = "low"
    kinds = "native"
  strings:
    $c1 = /cmd(\.exe)? \/[ck] / nocase ascii wide
    $c2 = /powershell(\.exe)? +-[a-z]/ nocase ascii wide
    $c3 = /\/bin\/(ba)?sh -c / ascii
  condition:
    any of them
}
