<#
.SYNOPSIS
Formats a report. Older versions ran Invoke-WebRequest and IEX here.
#>
param([string]$Name = 'report')
# Invoke-Expression is not used any more.
$lines = Get-Content -Path "$Name.txt"
$lines | ForEach-Object { $_.Trim() } | Set-Content -Path "$Name.out"
