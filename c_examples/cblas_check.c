/* A program written only against the standard CBLAS header, linked to
 * numkern built with `--features cblas` (no other BLAS on the link line).
 * It checks the ten routines numkern provides against plain loops: row- and
 * column-major storage, every transpose pair, leading dimensions larger
 * than the matrix, negative and non-unit increments, alpha/beta including
 * beta = 0 over a NaN-filled output, BLAS's quick returns, and a rejected
 * argument that leaves the output untouched. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int failures = 0;

#define CHECK(cond, ...)                                      \
    do {                                                      \
        if (!(cond)) {                                        \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                     \
            fprintf(stderr, "\n");                            \
            failures++;                                       \
        }                                                     \
    } while (0)

static double rnd(void) { return (double)rand() / RAND_MAX * 2.0 - 1.0; }

/* Element (i, j) of op(X), X stored with leading dimension ld. */
static size_t at(int row_major, int trans, int i, int j, int ld) {
    int r = trans ? j : i, c = trans ? i : j;
    return row_major ? (size_t)r * ld + c : (size_t)c * ld + r;
}

#define GEMM_TEST(NAME, T, FN, EPS)                                                                        \
    static void NAME(void) {                                                                              \
        const int sizes[][3] = {{1, 1, 1}, {5, 7, 3}, {33, 17, 40}, {64, 65, 70}, {3, 200, 1}};           \
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)                                       \
            for (int layout = 0; layout < 2; layout++)                                                    \
                for (int ta = 0; ta < 2; ta++)                                                            \
                    for (int tb = 0; tb < 2; tb++)                                                        \
                        for (int beta_case = 0; beta_case < 2; beta_case++) {                             \
                            int m = sizes[s][0], n = sizes[s][1], k = sizes[s][2], rm = layout == 0;      \
                            int lda = (rm ? (ta ? m : k) : (ta ? k : m)) + 3;                             \
                            int ldb = (rm ? (tb ? k : n) : (tb ? n : k)) + 1;                             \
                            int ldc = (rm ? n : m) + 2;                                                   \
                            T *a = malloc(sizeof(T) * lda * (m > k ? m : k));                             \
                            T *b = malloc(sizeof(T) * ldb * (n > k ? n : k));                             \
                            T *c = malloc(sizeof(T) * ldc * (m > n ? m : n));                             \
                            T *c0 = malloc(sizeof(T) * ldc * (m > n ? m : n));                            \
                            for (int i = 0; i < lda * (m > k ? m : k); i++) a[i] = (T)rnd();              \
                            for (int i = 0; i < ldb * (n > k ? n : k); i++) b[i] = (T)rnd();              \
                            T beta = beta_case ? (T)-0.5 : (T)0;                                          \
                            for (int i = 0; i < ldc * (m > n ? m : n); i++)                               \
                                c[i] = c0[i] = beta_case ? (T)rnd() : (T)NAN;                             \
                            T alpha = (T)1.5;                                                             \
                            FN(rm ? CblasRowMajor : CblasColMajor, ta ? CblasTrans : CblasNoTrans,        \
                               tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); \
                            for (int i = 0; i < m; i++)                                                   \
                                for (int j = 0; j < n; j++) {                                             \
                                    double sum = 0, mag = 0;                                              \
                                    for (int p = 0; p < k; p++) {                                         \
                                        double t = (double)a[at(rm, ta, i, p, lda)] * b[at(rm, tb, p, j, ldb)]; \
                                        sum += t;                                                         \
                                        mag += fabs(t);                                                   \
                                    }                                                                     \
                                    size_t ci = at(rm, 0, i, j, ldc);                                     \
                                    double old = beta_case ? (double)c0[ci] : 0.0;                        \
                                    double want = alpha * sum + beta * old;                               \
                                    double bound = (k + 2) * EPS * (fabs(alpha) * mag + fabs(beta * old)) + 1e-300; \
                                    CHECK(fabs(c[ci] - want) <= bound, #FN " %dx%dx%d rm %d ta %d tb %d (%d,%d): %g vs %g", \
                                          m, n, k, rm, ta, tb, i, j, (double)c[ci], want);                \
                                }                                                                         \
                            /* Padding between columns/rows of C is untouched. */                        \
                            for (int i = 0; i < (rm ? m : n); i++)                                        \
                                for (int j = (rm ? n : m); j < ldc; j++) {                                \
                                    size_t ci = (size_t)i * ldc + j;                                      \
                                    CHECK(beta_case ? c[ci] == c0[ci] : isnan(c[ci]), #FN " wrote padding"); \
                                }                                                                         \
                            free(a); free(b); free(c); free(c0);                                          \
                        }                                                                                 \
    }

GEMM_TEST(test_sgemm, float, cblas_sgemm, 1.2e-7)
GEMM_TEST(test_dgemm, double, cblas_dgemm, 2.3e-16)

#define GEMV_TEST(NAME, T, FN, EPS)                                                                   \
    static void NAME(void) {                                                                         \
        const int sizes[][2] = {{1, 1}, {7, 5}, {64, 33}, {100, 130}};                               \
        const int incs[] = {1, 2, -1, -3};                                                           \
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)                                  \
            for (int layout = 0; layout < 2; layout++)                                               \
                for (int t = 0; t < 2; t++)                                                          \
                    for (int ic = 0; ic < 4; ic++) {                                                 \
                        int m = sizes[s][0], n = sizes[s][1], rm = layout == 0;                      \
                        int lda = (rm ? n : m) + 1, incx = incs[ic], incy = incs[3 - ic];            \
                        int xl = t ? m : n, yl = t ? n : m;                                          \
                        int ax = abs(incx), ay = abs(incy);                                          \
                        T *a = malloc(sizeof(T) * lda * (rm ? m : n));                               \
                        T *x = malloc(sizeof(T) * xl * ax), *y = malloc(sizeof(T) * yl * ay);        \
                        T *y0 = malloc(sizeof(T) * yl * ay);                                         \
                        for (int i = 0; i < lda * (rm ? m : n); i++) a[i] = (T)rnd();                \
                        for (int i = 0; i < xl * ax; i++) x[i] = (T)rnd();                           \
                        for (int i = 0; i < yl * ay; i++) y[i] = y0[i] = (T)rnd();                   \
                        T alpha = (T)-2, beta = (T)0.25;                                             \
                        FN(rm ? CblasRowMajor : CblasColMajor, t ? CblasTrans : CblasNoTrans, m, n,  \
                           alpha, a, lda, x, incx, beta, y, incy);                                   \
                        for (int i = 0; i < yl; i++) {                                               \
                            double sum = 0, mag = 0;                                                 \
                            for (int j = 0; j < xl; j++) {                                           \
                                /* op(A)(i, j); A itself is m x n. */                                \
                                size_t ai = at(rm, t, i, j, lda);                                    \
                                size_t xj = incx > 0 ? (size_t)j * ax : (size_t)(xl - 1 - j) * ax;   \
                                double p = (double)a[ai] * x[xj];                                    \
                                sum += p;                                                            \
                                mag += fabs(p);                                                      \
                            }                                                                        \
                            size_t yi = incy > 0 ? (size_t)i * ay : (size_t)(yl - 1 - i) * ay;       \
                            double want = alpha * sum + beta * (double)y0[yi];                       \
                            double bound = (xl + 2) * EPS * (fabs(alpha) * mag + fabs(beta * y0[yi])); \
                            CHECK(fabs(y[yi] - want) <= bound, #FN " %dx%d rm %d t %d incx %d incy %d row %d: %g vs %g", \
                                  m, n, rm, t, incx, incy, i, (double)y[yi], want);                  \
                        }                                                                            \
                        for (int i = 0; i < yl * ay; i++)                                            \
                            if (i % ay) CHECK(y[i] == y0[i], #FN " wrote between y's elements");     \
                        free(a); free(x); free(y); free(y0);                                         \
                    }                                                                                \
    }

GEMV_TEST(test_sgemv, float, cblas_sgemv, 1.2e-7)
GEMV_TEST(test_dgemv, double, cblas_dgemv, 2.3e-16)

#define LEVEL1_TEST(NAME, T, DOT, AXPY, SCAL, EPS)                                                    \
    static void NAME(void) {                                                                         \
        enum { N = 1000 };                                                                           \
        static T x[2 * N], y[2 * N], y0[2 * N];                                                      \
        for (int i = 0; i < 2 * N; i++) { x[i] = (T)rnd(); y[i] = y0[i] = (T)rnd(); }               \
        /* dot: unit, stride 2, and reversed (negative increment). */                               \
        double d1 = 0, d2 = 0, d3 = 0, mag = 0;                                                      \
        for (int i = 0; i < N; i++) {                                                                \
            d1 += (double)x[i] * y[i];                                                               \
            d2 += (double)x[2 * i] * y[i];                                                           \
            d3 += (double)x[i] * y[N - 1 - i];                                                       \
            mag += fabs((double)x[i] * y[i]) + fabs((double)x[2 * i] * y[i]);                        \
        }                                                                                            \
        CHECK(fabs(DOT(N, x, 1, y, 1) - d1) <= EPS * (mag + 1), #DOT " unit");                       \
        CHECK(fabs(DOT(N, x, 2, y, 1) - d2) <= EPS * (mag + 1), #DOT " stride 2");                   \
        CHECK(fabs(DOT(N, x, 1, y, -1) - d3) <= EPS * (mag + 1), #DOT " negative increment");        \
        CHECK(DOT(0, x, 1, y, 1) == 0, #DOT " n = 0");                                               \
        /* axpy with x stride 2, y reversed. */                                                      \
        AXPY(N, (T)0.5, x, 2, y, -1);                                                                \
        for (int i = 0; i < N; i++) {                                                                \
            T want = (T)0.5 * x[2 * i] + y0[N - 1 - i];                                             \
            CHECK(fabs(y[N - 1 - i] - want) <= 2 * EPS * (fabs(want) + 1), #AXPY " at %d", i);      \
        }                                                                                            \
        for (int i = N; i < 2 * N; i++) CHECK(y[i] == y0[i], #AXPY " wrote past n");                 \
        /* scal with stride 2: only every other element changes; incx <= 0 does nothing. */        \
        for (int i = 0; i < 2 * N; i++) y[i] = y0[i];                                                \
        SCAL(N, (T)-3, y, 2);                                                                        \
        for (int i = 0; i < 2 * N; i++)                                                              \
            CHECK(y[i] == (i % 2 ? y0[i] : (T)-3 * y0[i]), #SCAL " at %d", i);                      \
        SCAL(N, (T)7, y, -1);                                                                        \
        SCAL(N, (T)7, y, 0);                                                                         \
        for (int i = 0; i < 2 * N; i++) CHECK(y[i] == (i % 2 ? y0[i] : (T)-3 * y0[i]), #SCAL " incx <= 0"); \
    }

LEVEL1_TEST(test_single, float, cblas_sdot, cblas_saxpy, cblas_sscal, 1.2e-7)
LEVEL1_TEST(test_double, double, cblas_ddot, cblas_daxpy, cblas_dscal, 2.3e-16)

/* BLAS's quick returns and a rejected argument: C stays as it was. */
static void test_edge_rules(void) {
    float a[4] = {1, 2, 3, 4}, b[4] = {1, 1, 1, 1}, c[4] = {NAN, NAN, NAN, NAN};
    /* alpha = 0 with beta = 1, and k = 0 with beta = 1: C is not touched (NaN stays NaN). */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 0.0f, a, 2, b, 2, 1.0f, c, 2);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 0, 1.0f, a, 2, b, 2, 1.0f, c, 2);
    for (int i = 0; i < 4; i++) CHECK(isnan(c[i]), "quick return touched C");
    /* k = 0 with beta = 0: C = 0. */
    cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 2, 2, 0, 1.0f, a, 2, b, 2, 0.0f, c, 2);
    for (int i = 0; i < 4; i++) CHECK(c[i] == 0.0f, "k = 0, beta = 0 must zero C");
    /* lda smaller than the row length: rejected (xerbla prints), C untouched. */
    c[0] = 42.0f;
    fprintf(stderr, "(an illegal-argument message from cblas_sgemm is expected next)\n");
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0f, a, 1, b, 2, 0.0f, c, 2);
    CHECK(c[0] == 42.0f, "rejected call wrote C");
    /* A 2x2 product the reader can check: [1 2; 3 4] @ [1 1; 1 1]. */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2);
    CHECK(c[0] == 3 && c[1] == 3 && c[2] == 7 && c[3] == 7, "2x2 product: %g %g %g %g", c[0], c[1], c[2], c[3]);
}

int main(void) {
    srand(12345);
    test_sgemm();
    test_dgemm();
    test_sgemv();
    test_dgemv();
    test_single();
    test_double();
    test_edge_rules();
    if (failures) {
        printf("cblas: %d checks FAILED\n", failures);
        return 1;
    }
    printf("cblas: all checks passed\n");
    return 0;
}
