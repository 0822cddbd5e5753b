/* A program that installs its own cblas_xerbla, as the reference CBLAS test
 * programs and many applications do, and checks that numkern's CBLAS
 * routines report every bad argument through it: the routine's name and
 * the reference implementation's parameter number in both layouts (a
 * row-major call is numbered as its column-major equivalent: GEMM swaps M
 * and N and the two leading dimensions, GEMV swaps M and N), with every
 * output left untouched. Also: alpha = 0 reads neither A nor B (null). */
#include <cblas.h>
#include <stdio.h>
#include <string.h>

static int failures = 0, calls = 0, last_param = -1;
static char last_routine[64];

/* As declared by the cblas.h in use (OpenBLAS's takes char *). */
void cblas_xerbla(int p, char *rout, char *form, ...) {
    (void)form;
    calls++;
    last_param = p;
    snprintf(last_routine, sizeof last_routine, "%s", rout);
}

#define EXPECT(ROUTINE, PARAM, CALL)                                                              \
    do {                                                                                          \
        calls = 0;                                                                                \
        last_param = -1;                                                                          \
        last_routine[0] = 0;                                                                      \
        for (int i = 0; i < 64; i++) out_f[i] = 7.0f, out_d[i] = 7.0;                             \
        CALL;                                                                                     \
        int untouched = 1;                                                                        \
        for (int i = 0; i < 64; i++) untouched &= out_f[i] == 7.0f && out_d[i] == 7.0;            \
        if (calls != 1 || last_param != (PARAM) || strcmp(last_routine, ROUTINE) != 0 || !untouched) { \
            fprintf(stderr, "FAIL line %d: %s: want %s param %d, got %d calls, %s param %d%s\n", \
                    __LINE__, #CALL, ROUTINE, PARAM, calls, last_routine, last_param,             \
                    untouched ? "" : ", output written");                                         \
            failures++;                                                                           \
        }                                                                                         \
    } while (0)

static float a_f[64], b_f[64], out_f[64];
static double a_d[64], b_d[64], out_d[64];

/* One precision's checks; G/V/X are that precision's gemm, gemv, axpy. */
#define CHECKS(P, T, a, b, out)                                                                          \
    static void checks_##P(void) {                                                                       \
        const char *gemm = "cblas_" #P "gemm", *gemv = "cblas_" #P "gemv", *axpy = "cblas_" #P "axpy";   \
        /* GEMM: 4x3 C = A (4x2) B (2x3). */                                                             \
        EXPECT(gemm, 1, cblas_##P##gemm(0, CblasNoTrans, CblasNoTrans, 4, 3, 2, 1, a, 4, b, 4, 0, out, 4)); \
        for (int rm = 0; rm < 2; rm++) {                                                                 \
            enum CBLAS_ORDER o = rm ? CblasRowMajor : CblasColMajor;                                     \
            int lda = rm ? 2 : 4, ldb = rm ? 3 : 2, ldc = rm ? 3 : 4;                                    \
            EXPECT(gemm, 2, cblas_##P##gemm(o, 99, CblasNoTrans, 4, 3, 2, 1, a, lda, b, ldb, 0, out, ldc)); \
            EXPECT(gemm, 3, cblas_##P##gemm(o, CblasNoTrans, 99, 4, 3, 2, 1, a, lda, b, ldb, 0, out, ldc)); \
            EXPECT(gemm, rm ? 5 : 4, cblas_##P##gemm(o, CblasNoTrans, CblasNoTrans, -1, 3, 2, 1, a, lda, b, ldb, 0, out, ldc)); \
            EXPECT(gemm, rm ? 4 : 5, cblas_##P##gemm(o, CblasNoTrans, CblasNoTrans, 4, -1, 2, 1, a, lda, b, ldb, 0, out, ldc)); \
            EXPECT(gemm, 6, cblas_##P##gemm(o, CblasNoTrans, CblasNoTrans, 4, 3, -1, 1, a, lda, b, ldb, 0, out, ldc)); \
            EXPECT(gemm, rm ? 11 : 9, cblas_##P##gemm(o, CblasNoTrans, CblasNoTrans, 4, 3, 2, 1, a, lda - 1, b, ldb, 0, out, ldc)); \
            EXPECT(gemm, rm ? 9 : 11, cblas_##P##gemm(o, CblasNoTrans, CblasNoTrans, 4, 3, 2, 1, a, lda, b, ldb - 1, 0, out, ldc)); \
            EXPECT(gemm, 14, cblas_##P##gemm(o, CblasNoTrans, CblasNoTrans, 4, 3, 2, 1, a, lda, b, ldb, 0, out, ldc - 1)); \
            /* Transposed operands: the leading dimension bound follows the stored shape. */             \
            EXPECT(gemm, rm ? 11 : 9, cblas_##P##gemm(o, CblasTrans, CblasNoTrans, 4, 3, 2, 1, a, rm ? 3 : 1, b, ldb, 0, out, ldc)); \
            EXPECT(gemm, rm ? 9 : 11, cblas_##P##gemm(o, CblasNoTrans, CblasTrans, 4, 3, 2, 1, a, lda, b, rm ? 1 : 2, 0, out, ldc)); \
            /* GEMV: y (4) = A (4x3) x (3). */                                                          \
            EXPECT(gemv, 2, cblas_##P##gemv(o, 99, 4, 3, 1, a, rm ? 3 : 4, b, 1, 0, out, 1));            \
            EXPECT(gemv, rm ? 4 : 3, cblas_##P##gemv(o, CblasNoTrans, -1, 3, 1, a, rm ? 3 : 4, b, 1, 0, out, 1)); \
            EXPECT(gemv, rm ? 3 : 4, cblas_##P##gemv(o, CblasNoTrans, 4, -1, 1, a, rm ? 3 : 4, b, 1, 0, out, 1)); \
            EXPECT(gemv, 7, cblas_##P##gemv(o, CblasNoTrans, 4, 3, 1, a, rm ? 2 : 3, b, 1, 0, out, 1));  \
            EXPECT(gemv, 9, cblas_##P##gemv(o, CblasNoTrans, 4, 3, 1, a, rm ? 3 : 4, b, 0, 0, out, 1));  \
            EXPECT(gemv, 12, cblas_##P##gemv(o, CblasNoTrans, 4, 3, 1, a, rm ? 3 : 4, b, 1, 0, out, 0)); \
        }                                                                                                \
        EXPECT(gemv, 1, cblas_##P##gemv(0, CblasNoTrans, 4, 3, 1, a, 4, b, 1, 0, out, 1));              \
        EXPECT(axpy, 6, cblas_##P##axpy(4, 2, a, 1, out, 0));                                            \
        /* alpha = 0 reads neither A, B nor x: null pointers are fine, C = beta C. */                   \
        for (int i = 0; i < 64; i++) out[i] = 3;                                                         \
        calls = 0;                                                                                       \
        cblas_##P##gemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 4, 3, 2, 0, NULL, 2, NULL, 3, 2, out, 3); \
        cblas_##P##gemv(CblasColMajor, CblasTrans, 4, 3, 0, NULL, 4, NULL, 2, 2, out + 20, 1);           \
        cblas_##P##axpy(5, 0, NULL, 1, out + 30, 1);                                                     \
        for (int i = 0; i < 12; i++)                                                                     \
            if (out[i] != 6) { fprintf(stderr, "FAIL: " #P "gemm alpha = 0: C[%d] = %g\n", i, (double)out[i]); failures++; } \
        for (int i = 20; i < 23; i++)                                                                    \
            if (out[i] != 6) { fprintf(stderr, "FAIL: " #P "gemv alpha = 0: y[%d] = %g\n", i, (double)out[i]); failures++; } \
        if (out[23] != 3 || out[30] != 3 || calls != 0) { fprintf(stderr, "FAIL: " #P " alpha = 0 wrote past y or reported\n"); failures++; } \
    }

CHECKS(s, float, a_f, b_f, out_f)
CHECKS(d, double, a_d, b_d, out_d)

int main(void) {
    checks_s();
    checks_d();
    if (failures) {
        fprintf(stderr, "cblas_xerbla_check: %d failures\n", failures);
        return 1;
    }
    printf("cblas_xerbla_check: every bad argument reached the application's cblas_xerbla with the reference's parameter number\n");
    return 0;
}
