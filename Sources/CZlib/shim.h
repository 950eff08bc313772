#ifndef KSERIES_CZLIB_SHIM_H
#define KSERIES_CZLIB_SHIM_H
#include <zlib.h>
#endif
