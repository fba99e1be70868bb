; Tiny installer for the vouch NSIS unpacker tests; built by gen.sh.
Target ${TARGET}
!ifdef SOLID
SetCompressor /SOLID ${COMP}
!else
SetCompressor ${COMP}
!endif
!if ${COMP} == lzma
SetCompressorDictSize 1
!endif
OutFile "${OUT}"
Name "vouch fixture"
InstallDir "$PROGRAMFILES\VouchFixture"
RequestExecutionLevel user

Section "main"
  SetOutPath "$INSTDIR"
  File src/hello.txt
  File src/tiny.exe
  SetOutPath "$INSTDIR\sub"
  File src/sub/data.bin
  File "/oname=copy.txt" src/hello.txt
  InitPluginsDir
  File "/oname=$PLUGINSDIR\helper.txt" src/helper.txt
  WriteUninstaller "$INSTDIR\uninstall.exe"
SectionEnd

Section "Uninstall"
  Delete "$INSTDIR\hello.txt"
  RMDir /r "$INSTDIR"
SectionEnd
