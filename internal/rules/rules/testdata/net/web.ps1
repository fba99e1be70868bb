# vouch rule fixture: inert.
if ($false) {
    Invoke-WebRequest -Uri 'https://update.example.invalid/a.zip' -OutFile "$env:TEMP\a.zip"
}
