/* The CBLAS error hook (feature `cblas`). Programs written against cblas.h,
 * the reference CBLAS test programs among them, define their own
 * cblas_xerbla to catch bad arguments. numkern refers to it weakly: an
 * application's definition is the one called, with the shared and the
 * static library alike, and without one the reference would be null and
 * BLAS's usual line goes to stderr instead (numkern never exits the
 * process on a bad argument). */
#include <stdio.h>

extern void cblas_xerbla(int p, const char *rout, const char *form, ...) __attribute__((weak));

void numkern_cblas_report(int p, const char *rout, const char *message) {
    if (cblas_xerbla)
        cblas_xerbla(p, rout, "%s\n", message);
    else
        fprintf(stderr, "** On entry to %s parameter number %d had an illegal value\n", rout, p);
}
