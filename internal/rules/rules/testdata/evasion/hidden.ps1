# vouch rule fixture: inert.
if ($false) {
    Start-Process powershell -ArgumentList '-NoProfile -WindowStyle Hidden -File inert.ps1'
    Add-MpPreference -ExclusionPath "$env:APPDATA"
    wevtutil cl System
}
