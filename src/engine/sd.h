/* sd.h - the engine's API lives in include/longsd.h (section "Engine"); this
 * name stays for the engine's own files. */
#ifndef LONGSD_SD_H
#define LONGSD_SD_H

#include "longsd.h"

#endif
