# vouch rule fixture: inert.
if ($false) {
    vssadmin delete shadows /all /quiet
    Remove-Item -Path $env:TEMP\inert -Recurse -Force
}
