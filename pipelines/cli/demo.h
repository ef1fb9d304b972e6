/* demo.h — the jobs behind `obscura demo` (verb_demo.c dispatches). Each writes
 * its outputs and an index.html into `dir` (created by the caller) and returns
 * 0 or OB_CLI_EXIT_ERROR after printing the error. */
#ifndef OB_CLI_DEMO_H
#define OB_CLI_DEMO_H

#include "cli.h"

int ob_demo_hdr(ob_cli *cli, const char *dir);
int ob_demo_interp(ob_cli *cli, const char *dir);
int ob_demo_sr(ob_cli *cli, const char *dir);

#endif
