/* A minimal kernel-mode driver: native subsystem, imports ntoskrnl.exe. */
typedef long NTSTATUS;
__declspec(dllimport) unsigned long DbgPrint(const char *format, ...);

NTSTATUS DriverEntry(void *driver, void *registry)
{
	(void)driver; (void)registry;
	DbgPrint("vouch\n");
	return 0;
}
