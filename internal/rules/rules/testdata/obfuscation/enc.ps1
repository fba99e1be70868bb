# vouch rule fixture: inert (the base64 decodes to Get-Date).
if ($false) {
    $c = [System.Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('RwBlAHQALQBEAGEAdABlAA=='))
    iex $c
    powershell.exe -NoProfile -EncodedCommand RwBlAHQALQBEAGEAdABlAA==
}
