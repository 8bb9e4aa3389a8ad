// SPDX-License-Identifier: GPL-2.0
/* Entry point of the cgfence tool; everything else lives in the library sources for testing. */
#include "cli.h"

int main(int argc, char **argv)
{
	return cgf_main(argc, argv);
}
