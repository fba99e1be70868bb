/* A minimal EFI application: no runtime, no imports. */
typedef unsigned long long EFI_STATUS;

EFI_STATUS efi_main(void *image, void *system_table)
{
	(void)image; (void)system_table;
	return 0;
}
