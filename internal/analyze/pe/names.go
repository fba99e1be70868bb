package pe

import (
	"fmt"
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

var machines = map[uint16]string{
	0x014c: "i386",
	0x8664: "amd64",
	0xaa64: "arm64",
	0xa641: "arm64ec",
	0xa64e: "arm64x",
	0x01c0: "arm",
	0x01c2: "thumb",
	0x01c4: "armnt",
	0x0200: "ia64",
	0x0ebc: "ebc",
	0x5032: "riscv32",
	0x5064: "riscv64",
	0x5128: "riscv128",
	0x6232: "loongarch32",
	0x6264: "loongarch64",
	0x0166: "mips",
	0x0169: "mips-wce",
	0x01f0: "powerpc",
	0x01f2: "powerpc-fp",
	0x0000: "unknown",
}

func machineName(m uint16) string {
	if n, ok := machines[m]; ok {
		return n
	}
	return fmt.Sprintf("0x%04x", m)
}

var subsystems = map[uint16]string{
	0:  "unknown",
	1:  "native",
	2:  "windows-gui",
	3:  "windows-cui",
	5:  "os2-cui",
	7:  "posix-cui",
	8:  "native-windows",
	9:  "windows-ce-gui",
	10: "efi-application",
	11: "efi-boot-service-driver",
	12: "efi-runtime-driver",
	13: "efi-rom",
	14: "xbox",
	16: "windows-boot-application",
}

func subsystemName(s uint16) string {
	if n, ok := subsystems[s]; ok {
		return n
	}
	return fmt.Sprintf("unknown(%d)", s)
}

const (
	fileDLL   = 0x2000 // IMAGE_FILE_DLL
	wdmDriver = 0x2000 // IMAGE_DLLCHARACTERISTICS_WDM_DRIVER
)

// imageType says what kind of image this is: "efi" for the EFI subsystems,
// "driver" for kernel-mode images (the WDM flag, or the native subsystem
// without ntdll.dll, which user-mode native programs such as smss.exe
// import and drivers never do), else "dll" or "exe" from the COFF
// characteristics.
func imageType(f *file, imports []model.Import) string {
	switch {
	case f.subsystem >= 10 && f.subsystem <= 13:
		return "efi"
	case f.dllChars&wdmDriver != 0:
		return "driver"
	case f.subsystem == 1:
		ntdll := false
		for _, im := range imports {
			if im.DLL == "ntdll.dll" {
				ntdll = true
			}
		}
		if !ntdll {
			return "driver"
		}
	}
	if f.chars&fileDLL != 0 {
		return "dll"
	}
	return "exe"
}

// resourceTypes names the predefined resource types (RT_*).
var resourceTypes = map[uint32]string{
	1:  "RT_CURSOR",
	2:  "RT_BITMAP",
	3:  "RT_ICON",
	4:  "RT_MENU",
	5:  "RT_DIALOG",
	6:  "RT_STRING",
	7:  "RT_FONTDIR",
	8:  "RT_FONT",
	9:  "RT_ACCELERATOR",
	10: "RT_RCDATA",
	11: "RT_MESSAGETABLE",
	12: "RT_GROUP_CURSOR",
	14: "RT_GROUP_ICON",
	16: "RT_VERSION",
	17: "RT_DLGINCLUDE",
	19: "RT_PLUGPLAY",
	20: "RT_VXD",
	21: "RT_ANICURSOR",
	22: "RT_ANIICON",
	23: "RT_HTML",
	24: "RT_MANIFEST",
}

const rtVersion = 16

func resourceTypeName(id uint32) string {
	if n, ok := resourceTypes[id]; ok {
		return n
	}
	return fmt.Sprintf("#%d", id)
}

// versionKeys are the VERSIONINFO strings recorded, by lower-case key.
var versionKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"CompanyName", "ProductName", "FileVersion", "ProductVersion",
		"OriginalFilename", "FileDescription", "InternalName", "LegalCopyright"} {
		m[strings.ToLower(k)] = k
	}
	return m
}()
