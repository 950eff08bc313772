#ifndef KSERIES_CGIT2_LAZY_TLS_H
#define KSERIES_CGIT2_LAZY_TLS_H
/* No declarations: this target only provides the linker wrappers in lazy_tls.c (see there). */
#endif
