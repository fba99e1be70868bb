# vouch rule fixture: inert.
if ($false) {
    Add-Type -TypeDefinition 'public class K { [System.Runtime.InteropServices.DllImport("kernel32")] public static extern System.IntPtr VirtualAlloc(System.IntPtr a, uint b, uint c, uint d); }'
    $p = [K]::VirtualAlloc([IntPtr]::Zero, 4096, 0x3000, 0x40)
    $f = [System.Runtime.InteropServices.Marshal]::GetDelegateForFunctionPointer($p, [Action])
}
