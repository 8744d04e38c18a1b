/* dacl-check.exe FILE: prints the DACL of FILE in SDDL ("D:P(A;;FA;;;SY)..."),
 * read by Windows (GetNamedSecurityInfoW), not by the code under test: how
 * tests/e2e/wine/test_wine_https.py checks that the key --setup-tls writes is
 * readable by SYSTEM and the Administrators only. Exit 1 when it cannot. */
#include <aclapi.h>
#include <sddl.h>

#include <stdio.h>

int wmain(int argc, wchar_t *argv[])
{
	PSECURITY_DESCRIPTOR descriptor = NULL;
	PACL dacl = NULL;
	wchar_t *sddl = NULL;
	DWORD rc;

	if (argc != 2) {
		fprintf(stderr, "usage: dacl-check FILE\n");
		return 2;
	}
	rc = GetNamedSecurityInfoW(argv[1], SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, NULL, NULL,
				   &dacl, NULL, &descriptor);
	if (rc != ERROR_SUCCESS) {
		fprintf(stderr, "GetNamedSecurityInfoW: error %lu\n", (unsigned long)rc);
		return 1;
	}
	if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(
		    descriptor, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &sddl, NULL)) {
		fprintf(stderr, "ConvertSecurityDescriptorToStringSecurityDescriptorW: error %lu\n",
			(unsigned long)GetLastError());
		return 1;
	}
	printf("%ls\n", sddl);
	LocalFree(sddl);
	LocalFree(descriptor);
	return 0;
}
