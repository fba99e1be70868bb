# vouch rule fixture: inert.
if ($false) {
    Set-ItemProperty -Path 'HKCU:\Software\Microsoft\Windows\CurrentVersion\Run' -Name inert -Value "$env:APPDATA\inert.exe"
    schtasks /create /sc onlogon /tn inert /tr "$env:APPDATA\inert.exe"
}
