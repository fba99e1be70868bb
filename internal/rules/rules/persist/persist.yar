// Staying on the machine: autostart entries, services, scheduled jobs,
// shell start-up files, CI workflows.

rule win_run_key {
  meta:
    description = "Adds a program to the Windows Run/RunOnce autostart keys"
    risk = "medium"
    kinds = "native,script/*"
    os = "windows"
  strings:
    $a = /Software\\{1,2}Microsoft\\{1,2}Windows\\{1,2}CurrentVersion\\{1,2}Run(Once|Services|ServicesOnce)?\b/ nocase ascii wide
    $b = /CurrentVersion\\{1,2}Policies\\{1,2}Explorer\\{1,2}Run\b/ nocase ascii wide
  condition:
    any of them
}

rule win_service_install {
  meta:
    description = "Installs a Windows service"
    risk = "low"
    kinds = "pe,script/*"
    os = "windows"
  strings:
    $a = "CreateServiceA" fullword ascii
    $b = "CreateServiceW" fullword ascii
    $c = /\bsc(\.exe)?\s+create\s/ nocase ascii wide
    $d = /\bNew-Service\s/ nocase
  condition:
    any of them
}

rule win_scheduled_task {
  meta:
    description = "Creates a Windows scheduled task"
    risk = "medium"
    kinds = "native,script/*"
    os = "windows"
  strings:
    $a = /schtasks(\.exe)?["']?\s+\/create/ nocase ascii wide
    $b = "Register-ScheduledTask" nocase ascii wide
    $c = "Schedule.Service" nocase ascii wide
    $d = "ITaskService" ascii wide
  condition:
    any of them
}

rule win_startup_folder {
  meta:
    description = "Writes to the Windows Startup folder"
    risk = "medium"
    kinds = "native,script/*"
    os = "windows"
  strings:
    $a = /Start Menu\\{1,2}Programs\\{1,2}Startup/ nocase ascii wide
    $b = /shell:(common )?startup/ nocase ascii wide
  condition:
    any of them
}

rule win_logon_hijack {
  meta:
    description = "Changes what Windows runs at logon or for other programs (Winlogon, IFEO debugger, AppInit_DLLs)"
    risk = "high"
    kinds = "native,script/*"
    os = "windows"
  strings:
    $w = /Winlogon\\{1,2}(Shell|Userinit)\b/ nocase ascii wide
    // reg add "...\Image File Execution Options\sethc.exe" /v Debugger
    $i1 = /Image File Execution Options\\{1,2}[\w.-]{1,60}["']?\s+\/v\s+["']?Debugger/ nocase ascii wide
    $i2 = /Image File Execution Options\\{1,2}[\w.-]{1,60}\.exe["']?\s+-Name\s+["']?Debugger/ nocase ascii wide
    $a = /AppInit_DLLs["']?\s+\/(t|d)\s/ nocase ascii wide
    $a2 = /AppInit_DLLs["']?\s+-Value\b/ nocase ascii wide
  condition:
    any of them
}

rule win_wmi_subscription {
  meta:
    description = "Creates a permanent WMI event subscription (runs a command on an event)"
    risk = "high"
    kinds = "native,script/*"
    os = "windows"
  strings:
    $f = "__EventFilter" ascii wide
    $c1 = "CommandLineEventConsumer" ascii wide
    $c2 = "ActiveScriptEventConsumer" ascii wide
  condition:
    $f and any of ($c*)
}

rule macos_launch_agent {
  meta:
    description = "Installs a macOS LaunchAgent or LaunchDaemon"
    risk = "medium"
    kinds = "native,script/*"
    os = "macos"
  strings:
    $a = /Library\/Launch(Agents|Daemons)\// ascii
    $b = /launchctl\s+(load|bootstrap|submit)\b/ ascii
  condition:
    any of them
}

rule systemd_unit {
  meta:
    description = "Installs or enables a systemd service"
    risk = "medium"
    kinds = "native,script/*"
    os = "linux"
  strings:
    $p1 = "/etc/systemd/system/" ascii
    $p2 = ".config/systemd/user" ascii
    $u = "ExecStart=" ascii
    $e = /systemctl\s+(--user\s+)?enable\b/ ascii
  condition:
    (any of ($p*) and $u) or $e
}

rule cron_job {
  meta:
    description = "Adds a cron job"
    risk = "medium"
    kinds = "native,script/*"
    os = "linux"
  strings:
    $pipe = /\|\s*crontab\s+-(\s|$|["'])/ ascii
    $dir = /(\/etc\/cron\.(d|daily|hourly|weekly)\/|\/var\/spool\/cron)/ ascii
  condition:
    any of them
}

rule shell_rc_write {
  meta:
    description = "Writes to shell start-up files (~/.bashrc, ~/.zshrc, ~/.profile)"
    risk = "medium"
    kinds = "script/*"
  strings:
    $r1 = />>\s*["']?(~|\$HOME|\$\{HOME\})\/\.(bashrc|zshrc|bash_profile|profile|zprofile|zshenv)\b/
    $r2 = /(appendFile|writeFile)(Sync)?\s*\([^)]{0,120}\.(bashrc|zshrc|bash_profile|zprofile|zshenv)\b/
    $r3 = /\bopen\s*\([^)]{0,120}\.(bashrc|zshrc|bash_profile|zprofile|zshenv)["'][^)]{0,40},\s*["'][aw]/
    $r4 = /(Add-Content|Out-File|Set-Content)[^\n]{0,80}\$PROFILE\b/ nocase
    $r5 = /["']\.(bashrc|zshrc|bash_profile|zprofile)["'][^\n]{0,200}(appendFile|writeFile)/
  condition:
    any of them
}

rule ci_workflow_write {
  meta:
    description = "Writes GitHub Actions workflow files (.github/workflows)"
    risk = "medium"
    kinds = "script/*"
  strings:
    $p = /\.github[\/\\]workflows/
    $w1 = /(writeFile|appendFile|createWriteStream|mkdir)(Sync)?\s*\(/
    $w2 = /\bopen\s*\([^)]{0,160},\s*["'][wa]/
    $w3 = /(>|>>|\btee|\bcp|\bmv)\s+[^\n]{0,60}\.github\/workflows/
    $w4 = /\.(write_text|write_bytes)\s*\(/
    $w5 = /contents\/\.github\/workflows/
  condition:
    $p and any of ($w*)
}

rule ld_so_preload {
  meta:
    description = "Writes /etc/ld.so.preload (loads a library into every process)"
    risk = "high"
    kinds = "native,script/*"
    os = "linux"
  strings:
    $a = "/etc/ld.so.preload" ascii
    // the dynamic loader itself reads the file; it also names its cache
    $loader = "/etc/ld.so.cache" ascii
  condition:
    $a and not $loader
}

rule ssh_authorized_keys {
  meta:
    description = "Adds SSH keys to authorized_keys (remote login access)"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $a = />>\s*["']?[^\s"']{0,40}\.ssh\/authorized_keys/ ascii
    $b = /(appendFile|writeFile)(Sync)?\s*\([^)]{0,120}authorized_keys/ ascii
    $c = /\bopen\s*\([^)]{0,120}authorized_keys["'][^)]{0,40},\s*["'][aw]/ ascii
  condition:
    any of them
}

rule git_hooks_write {
  meta:
    description = "Installs git hooks (.git/hooks)"
    risk = "low"
    kinds = "script/*"
  strings:
    $a = /\.git[\/\\]hooks[\/\\]/
    $b = /\bcore\.hooksPath\b/
  condition:
    any of them
}

rule vscode_folder_open_task {
  meta:
    description = "Defines a VS Code task that runs automatically when the folder is opened"
    risk = "medium"
    kinds = "text/json,script/*"
  strings:
    $a = /["']runOn["']\s*:\s*["']folderOpen["']/
  condition:
    $a
}
