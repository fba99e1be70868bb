# vouch rule fixture: inert.
if ($false) {
    Start-Process -FilePath 'notepad.exe' -WindowStyle Normal
    Invoke-Expression 'Get-Date'
}
