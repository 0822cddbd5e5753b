/*
 * A C tour of the NumPy-for-ML seed tutorials on numkern: each cell does what
 * the notebook does in NumPy and checks its own result. Exit status 0 = all
 * checks passed.
 */
#include "numkern.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                  \
            fprintf(stderr, "\n");                         \
            failures++;                                    \
        }                                                  \
    } while (0)

/* Calls a numkern function and reports its status and message on failure. */
#define NK(call)                                                                 \
    do {                                                                         \
        int32_t st_ = (call);                                                    \
        CHECK(st_ == NUMKERN_OK, "%s -> %s: %s", #call, numkern_status_string(st_), \
              numkern_last_error_message());                                     \
    } while (0)

/* A C-contiguous f32 descriptor. */
static numkern_array f32_array(float *data, int32_t ndim, const int64_t *shape) {
    numkern_array a;
    NK(numkern_array_init(data, NUMKERN_F32, ndim, shape, &a));
    return a;
}

/* Deterministic pseudo-random numbers in [-1, 1) (np.random.randn stand-in). */
static float rnd(void) {
    static uint32_t s = 42u;
    s = s * 1664525u + 1013904223u;
    return (float)((s >> 8) * (2.0 / 16777216.0) - 1.0);
}

static int close_to(double got, double want, double rel) {
    return fabs(got - want) <= rel * fabs(want) + 1e-30;
}

/* Cell: np.zeros((2, 3)), np.ones, np.eye(3), np.arange(0, 10, 2), np.linspace(0, 1, 5). */
static void cell_creation(void) {
    float z[6], e[9], r[5], l[5];
    for (int i = 0; i < 6; i++) z[i] = -1.0f;
    int64_t zs[2] = {2, 3}, es[2] = {3, 3}, rs[1] = {5};
    numkern_array Z = f32_array(z, 2, zs), E = f32_array(e, 2, es), R = f32_array(r, 1, rs), L = f32_array(l, 1, rs);
    NK(numkern_full(&Z, 0.0));
    for (int i = 0; i < 6; i++) CHECK(z[i] == 0.0f, "zeros[%d] = %g", i, z[i]);
    NK(numkern_full(&Z, 1.0));
    for (int i = 0; i < 6; i++) CHECK(z[i] == 1.0f, "ones[%d] = %g", i, z[i]);
    NK(numkern_eye(&E, 0));
    for (int i = 0; i < 9; i++) CHECK(e[i] == (i % 4 == 0 ? 1.0f : 0.0f), "eye[%d] = %g", i, e[i]);
    NK(numkern_arange(&R, 0.0, 2.0));
    for (int i = 0; i < 5; i++) CHECK(r[i] == 2.0f * i, "arange[%d] = %g", i, r[i]);
    NK(numkern_linspace(&L, 0.0, 1.0, 1));
    for (int i = 0; i < 5; i++) CHECK(l[i] == 0.25f * i, "linspace[%d] = %g", i, l[i]);
    printf("creation: zeros(2,3), eye(3) diag = [%g %g %g], arange(0,10,2) = [%g .. %g], linspace(0,1,5)[-1] = %g\n",
           e[0], e[4], e[8], r[0], r[4], l[4]);
}

/* Cell: np.random.seed(42); randn(100, 5) and randint(0, 256, (8, 28, 28, 3)),
 * seeded and counter-based: the same values for any thread count, and a fill
 * split into two calls at an offset equals the whole fill. */
static void cell_random(void) {
    enum { N = 100, F = 5, IMG = 8 * 28 * 28 * 3 };
    static float data[N * F], again[N * F];
    static uint8_t images[IMG];
    int64_t dshape[2] = {N, F}, half[1] = {N * F / 2}, ishape[4] = {8, 28, 28, 3};
    numkern_array D = f32_array(data, 2, dshape), A = f32_array(again, 1, half), B = f32_array(again + N * F / 2, 1, half), I;
    NK(numkern_random_normal(&D, 42, 0, 0, 0.0, 1.0));
    NK(numkern_random_normal(&A, 42, 0, 0, 0.0, 1.0));
    NK(numkern_random_normal(&B, 42, 0, N * F / 2, 0.0, 1.0));
    double s = 0, s2 = 0;
    for (int i = 0; i < N * F; i++) {
        s += data[i];
        s2 += (double)data[i] * data[i];
        CHECK(data[i] == again[i], "split fill differs at %d", i);
    }
    double mean = s / (N * F), sd = sqrt(s2 / (N * F) - mean * mean);
    CHECK(fabs(mean) < 0.15 && fabs(sd - 1.0) < 0.1, "randn mean %g std %g", mean, sd);
    NK(numkern_array_init(images, NUMKERN_U8, 4, ishape, &I));
    NK(numkern_random_integers(&I, 42, 1, 0, 0, 256));
    int seen[256] = {0}, distinct = 0;
    for (int i = 0; i < IMG; i++) seen[images[i]]++;
    for (int v = 0; v < 256; v++) distinct += seen[v] > 0;
    CHECK(distinct == 256, "randint(0, 256) hit %d of 256 values in %d draws", distinct, IMG);
    printf("random: randn(100,5) mean %.3f std %.3f, data[0] = [%.4f %.4f ...]; randint images: %d distinct values\n", mean, sd,
           data[0], data[1], distinct);
}

/* Cell: np.concatenate / np.stack of three 16x10 batches; np.hstack of
 * 100x5 and 100x3 features (an array of descriptors in, one out). */
static void cell_joining(void) {
    enum { B = 16, F = 10 };
    static float batches[3][B * F], cat[3 * B * F], stk[3 * B * F], a[100 * 5], b[100 * 3], h[100 * 8];
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < B * F; i++) batches[k][i] = (float)(1000 * k + i);
    int64_t bshape[2] = {B, F}, cshape[2] = {3 * B, F}, sshape[3] = {3, B, F};
    numkern_array in[3] = {f32_array(batches[0], 2, bshape), f32_array(batches[1], 2, bshape), f32_array(batches[2], 2, bshape)};
    numkern_array C = f32_array(cat, 2, cshape), S = f32_array(stk, 3, sshape);
    NK(numkern_concatenate(in, 3, 0, &C));
    NK(numkern_stack(in, 3, 0, &S));
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < B * F; i++) {
            CHECK(cat[k * B * F + i] == batches[k][i], "concatenate at batch %d element %d", k, i);
            CHECK(stk[k * B * F + i] == batches[k][i], "stack at batch %d element %d", k, i);
        }
    for (int i = 0; i < 500; i++) a[i] = (float)i;
    for (int i = 0; i < 300; i++) b[i] = (float)-i;
    int64_t ashape[2] = {100, 5}, b2shape[2] = {100, 3}, hshape[2] = {100, 8};
    numkern_array parts[2] = {f32_array(a, 2, ashape), f32_array(b, 2, b2shape)}, H = f32_array(h, 2, hshape);
    NK(numkern_concatenate(parts, 2, 1, &H)); /* np.hstack */
    for (int r = 0; r < 100; r++)
        for (int c = 0; c < 8; c++) CHECK(h[r * 8 + c] == (c < 5 ? a[r * 5 + c] : b[r * 3 + c - 5]), "hstack (%d,%d)", r, c);
    /* A mismatched input is named, as NumPy names it. */
    int32_t st = numkern_concatenate(parts, 2, 0, &H);
    CHECK(st == NUMKERN_ERR_SHAPE_MISMATCH && strstr(numkern_last_error_message(), "array at index 1 has size 3") != NULL, "concat error: %s",
          numkern_last_error_message());
    printf("joining: concatenate 3x(16,10) -> (48,10), stack -> (3,16,10), hstack (100,5)+(100,3) -> (100,8)\n");
}

/* Cell: scores[scores > 85], the band (scores >= 80) & (scores <= 90), the
 * paired fancy index x[[0,1,2],[0,2,1]], a put with a repeated index, and
 * the seeded 80/20 train/validation split by permutation and take. */
static void cell_indexing(void) {
    float scores[8] = {78, 92, 85, 64, 95, 88, 71, 90}, picked[8], band_vals[8];
    uint8_t high[8], lo[8], hi[8], band[8];
    int64_t n8[1] = {8};
    numkern_array S = f32_array(scores, 1, n8), H, L, U, B, C;
    NK(numkern_array_init(high, NUMKERN_U8, 1, n8, &H));
    NK(numkern_array_init(lo, NUMKERN_U8, 1, n8, &L));
    NK(numkern_array_init(hi, NUMKERN_U8, 1, n8, &U));
    NK(numkern_array_init(band, NUMKERN_U8, 1, n8, &B));
    float t85 = 85, t80 = 80, t90 = 90;
    int64_t none[1] = {0};
    numkern_array T85 = f32_array(&t85, 0, none), T80 = f32_array(&t80, 0, none), T90 = f32_array(&t90, 0, none);
    NK(numkern_greater(&S, &T85, &H));
    int64_t count = 0, cshape[1];
    numkern_array Count;
    NK(numkern_array_init(&count, NUMKERN_I64, 0, none, &Count));
    NK(numkern_count_nonzero(&H, NULL, 0, &Count));
    cshape[0] = count;
    C = f32_array(picked, 1, cshape);
    NK(numkern_mask_select(&S, &H, &C));
    CHECK(count == 4 && picked[0] == 92 && picked[1] == 95 && picked[2] == 88 && picked[3] == 90, "scores[scores > 85]: %lld", (long long)count);
    NK(numkern_greater_equal(&S, &T80, &L));
    NK(numkern_less_equal(&S, &T90, &U));
    NK(numkern_logical_and(&L, &U, &B));
    NK(numkern_count_nonzero(&B, NULL, 0, &Count));
    cshape[0] = count;
    numkern_array BV = f32_array(band_vals, 1, cshape);
    NK(numkern_mask_select(&S, &B, &BV));
    CHECK(count == 3 && band_vals[0] == 85 && band_vals[1] == 88 && band_vals[2] == 90, "band: %lld values", (long long)count);
    /* x = np.arange(1, 13).reshape(3, 4); x[[0,1,2],[0,2,1]] = [1 7 10]. */
    float x[12], fancy[3];
    for (int i = 0; i < 12; i++) x[i] = (float)(i + 1);
    int64_t xshape[2] = {3, 4}, n3[1] = {3}, rows[3] = {0, 1, 2}, cols[3] = {0, 2, 1};
    numkern_array X = f32_array(x, 2, xshape), F = f32_array(fancy, 1, n3), RC[2];
    NK(numkern_array_init(rows, NUMKERN_I64, 1, n3, &RC[0]));
    NK(numkern_array_init(cols, NUMKERN_I64, 1, n3, &RC[1]));
    NK(numkern_gather(&X, RC, 2, NUMKERN_TAKE_RAISE, &F));
    CHECK(fancy[0] == 1 && fancy[1] == 7 && fancy[2] == 10, "x[[0,1,2],[0,2,1]] = [%g %g %g]", fancy[0], fancy[1], fancy[2]);
    /* An index out of range is named with its axis, nothing written. */
    cols[1] = 4;
    CHECK(numkern_gather(&X, RC, 2, NUMKERN_TAKE_RAISE, &F) == NUMKERN_ERR_INVALID_ARGUMENT &&
              strstr(numkern_last_error_message(), "index 4 is out of bounds for axis 1 with size 4") != NULL && fancy[1] == 7,
          "gather error: %s", numkern_last_error_message());
    /* z = np.zeros(4); z[[1, 3, 1]] = [5, 6, 7]: the repeated index keeps its last value. */
    float z[4] = {0, 0, 0, 0}, zv[3] = {5, 6, 7};
    int64_t n4[1] = {4}, at[3] = {1, 3, 1};
    numkern_array Z = f32_array(z, 1, n4), ZV = f32_array(zv, 1, n3), AT;
    NK(numkern_array_init(at, NUMKERN_I64, 1, n3, &AT));
    NK(numkern_put(&ZV, &AT, 0, NUMKERN_TAKE_RAISE, &Z));
    CHECK(z[0] == 0 && z[1] == 7 && z[2] == 0 && z[3] == 6, "z[[1,3,1]] = [5,6,7] -> [%g %g %g %g]", z[0], z[1], z[2], z[3]);
    /* Seeded 80/20 split of 100 samples x 5 features. */
    enum { N = 100, F5 = 5 };
    static float data[N * F5], train[80 * F5], val[20 * F5];
    static int64_t perm[N];
    int64_t dshape[2] = {N, F5}, pshape[1] = {N}, tshape[2] = {80, F5}, vshape[2] = {20, F5}, t80s[1] = {80}, v20s[1] = {20};
    for (int i = 0; i < N * F5; i++) data[i] = (float)i;
    numkern_array D = f32_array(data, 2, dshape), P, Ptr, Pva, TR = f32_array(train, 2, tshape), VA = f32_array(val, 2, vshape);
    NK(numkern_array_init(perm, NUMKERN_I64, 1, pshape, &P));
    NK(numkern_random_permutation(&P, 42, 0));
    NK(numkern_array_init(perm, NUMKERN_I64, 1, t80s, &Ptr));
    NK(numkern_array_init(perm + 80, NUMKERN_I64, 1, v20s, &Pva));
    NK(numkern_take(&D, &Ptr, 0, NUMKERN_TAKE_RAISE, &TR));
    NK(numkern_take(&D, &Pva, 0, NUMKERN_TAKE_RAISE, &VA));
    int seen[N] = {0};
    for (int i = 0; i < 80; i++) seen[(int)train[i * F5] / F5]++;
    for (int i = 0; i < 20; i++) seen[(int)val[i * F5] / F5]++;
    int all_once = 1;
    for (int i = 0; i < N; i++) all_once &= seen[i] == 1;
    CHECK(all_once, "the split does not hold every sample once");
    printf("indexing: scores[scores > 85] = [%g %g %g %g], band = [%g %g %g], x[[0,1,2],[0,2,1]] = [%g %g %g], z[[1,3,1]] = [5,6,7] -> [%g %g %g %g], split 80/20 by permutation\n",
           picked[0], picked[1], picked[2], picked[3], band_vals[0], band_vals[1], band_vals[2], fancy[0], fancy[1], fancy[2], z[0], z[1], z[2], z[3]);
}

/* Cell: data = np.random.randn(100, 5); batch + bias (broadcast over rows). */
static void cell_bias(void) {
    enum { N = 100, F = 5 };
    static float x[N * F], y[N * F];
    float bias[F] = {0.1f, -0.2f, 0.3f, -0.4f, 0.5f};
    for (int i = 0; i < N * F; i++) x[i] = rnd();
    int64_t shape[2] = {N, F}, bshape[1] = {F};
    numkern_array X = f32_array(x, 2, shape), B = f32_array(bias, 1, bshape), Y = f32_array(y, 2, shape);
    NK(numkern_add(&X, &B, &Y));
    for (int i = 0; i < N; i++)
        for (int j = 0; j < F; j++)
            CHECK(y[i * F + j] == x[i * F + j] + bias[j], "bias add at (%d,%d)", i, j);
    printf("bias: X(100,5) + b(5,) -> y[0] = [%.4f %.4f %.4f %.4f %.4f]\n", y[0], y[1], y[2], y[3], y[4]);
}

/* Cell: mean-centering, X - X.mean(axis=0), in place (X -= mean). */
static void cell_mean_center(void) {
    enum { N = 100, F = 5 };
    static float x[N * F];
    float mean[F] = {0};
    for (int i = 0; i < N * F; i++) x[i] = 3.0f + rnd();
    for (int i = 0; i < N; i++)
        for (int j = 0; j < F; j++) mean[j] += x[i * F + j] / N;
    int64_t shape[2] = {N, F}, mshape[2] = {1, F};
    numkern_array X = f32_array(x, 2, shape), M = f32_array(mean, 2, mshape);
    NK(numkern_subtract(&X, &M, &X)); /* in place */
    for (int j = 0; j < F; j++) {
        double s = 0;
        for (int i = 0; i < N; i++) s += x[i * F + j];
        CHECK(fabs(s / N) < 1e-5, "column %d mean after centering = %g", j, s / N);
    }
    printf("mean-centering: column means now ~0 (|mean| < 1e-5)\n");
}

/* Cell: activations ReLU, sigmoid, tanh on np.linspace(-5, 5, 11). */
static void cell_activations(void) {
    enum { N = 11 };
    float x[N], relu[N], sig[N], th[N];
    for (int i = 0; i < N; i++) x[i] = -5.0f + (float)i;
    int64_t shape[1] = {N};
    numkern_array X = f32_array(x, 1, shape), R = f32_array(relu, 1, shape), S = f32_array(sig, 1, shape),
                  T = f32_array(th, 1, shape);
    NK(numkern_relu(&X, &R));
    NK(numkern_sigmoid(&X, &S));
    NK(numkern_tanh(&X, &T));
    for (int i = 0; i < N; i++) {
        CHECK(relu[i] == (x[i] > 0 ? x[i] : 0.0f), "relu(%g)", x[i]);
        CHECK(close_to(sig[i], 1.0 / (1.0 + exp(-(double)x[i])), 2e-7), "sigmoid(%g) = %.9g", x[i], sig[i]);
        CHECK(close_to(th[i], tanh((double)x[i]), 2e-7), "tanh(%g) = %.9g", x[i], th[i]);
    }
    printf("activations: sigmoid(0) = %.6f, tanh(1) = %.6f, relu(-5) = %.1f\n", sig[5], th[6], relu[0]);
}

/* Cells: indexing and views. x[::-1], x.T materialized, boolean mask x > 2. */
static void cell_views(void) {
    float data[12], rev[4], t[12], mask_out[12];
    uint8_t mask[12];
    for (int i = 0; i < 12; i++) data[i] = (float)(i + 1);
    int64_t shape[2] = {3, 4}, tshape[2] = {4, 3}, rshape[1] = {4};
    numkern_array X = f32_array(data, 2, shape), XT, row0, row0_rev, REV = f32_array(rev, 1, rshape);
    /* x[0, ::-1] */
    NK(numkern_slice(&X, 0, 0, 1, 1, &row0));
    NK(numkern_squeeze(&row0, NUMKERN_NONE, &row0));
    NK(numkern_slice(&row0, 0, NUMKERN_NONE, NUMKERN_NONE, -1, &row0_rev));
    NK(numkern_copy(&row0_rev, &REV));
    CHECK(rev[0] == 4 && rev[3] == 1, "x[0, ::-1] = [%g %g %g %g]", rev[0], rev[1], rev[2], rev[3]);
    /* np.ascontiguousarray(x.T) */
    numkern_array T = f32_array(t, 2, tshape);
    NK(numkern_transpose(&X, &XT));
    NK(numkern_copy(&XT, &T));
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++) CHECK(t[i * 3 + j] == data[j * 4 + i], "x.T[%d][%d]", i, j);
    /* np.where(x > 2, x, 0) */
    float two = 2.0f, zero = 0.0f;
    numkern_array TWO = f32_array(&two, 0, NULL), ZERO = f32_array(&zero, 0, NULL), M, OUT = f32_array(mask_out, 2, shape);
    NK(numkern_array_init(mask, NUMKERN_U8, 2, shape, &M));
    NK(numkern_greater(&X, &TWO, &M));
    NK(numkern_where(&M, &X, &ZERO, &OUT));
    for (int i = 0; i < 12; i++) CHECK(mask_out[i] == (data[i] > 2 ? data[i] : 0), "where at %d", i);
    printf("views: x[0,::-1] = [%g %g %g %g], x.T row 0 = [%g %g %g], where(x>2, x, 0)[0:3] = [%g %g %g]\n", rev[0],
           rev[1], rev[2], rev[3], t[0], t[1], t[2], mask_out[0], mask_out[1], mask_out[2]);
}

/* Cells: linear algebra. The simple layer h = sigmoid(X @ W + b) with X 32x10,
 * W 10x5 (fused: one call); A @ B; A.T @ A through a transposed view. */
static void cell_linear_algebra(void) {
    enum { N = 32, IN = 10, OUT = 5 };
    static float x[N * IN], w[IN * OUT], h[N * OUT];
    float b[OUT] = {0.5f, -0.5f, 0.25f, 0.0f, 1.0f};
    for (int i = 0; i < N * IN; i++) x[i] = rnd();
    for (int i = 0; i < IN * OUT; i++) w[i] = rnd();
    int64_t sx[2] = {N, IN}, sw[2] = {IN, OUT}, sh[2] = {N, OUT}, sb[1] = {OUT};
    numkern_array X = f32_array(x, 2, sx), W = f32_array(w, 2, sw), H = f32_array(h, 2, sh), B = f32_array(b, 1, sb);
    NK(numkern_linear(&X, &W, &B, NUMKERN_ACT_SIGMOID, &H));
    for (int i = 0; i < N; i++)
        for (int j = 0; j < OUT; j++) {
            double z = b[j];
            for (int p = 0; p < IN; p++) z += (double)x[i * IN + p] * w[p * OUT + j];
            CHECK(close_to(h[i * OUT + j], 1.0 / (1.0 + exp(-z)), 1e-5), "layer (%d,%d) = %.7g", i, j, h[i * OUT + j]);
        }
    /* A @ B and A.T @ A for A 3x4, B 4x2. */
    float a[12], bm[8], ab[6], ata[16];
    for (int i = 0; i < 12; i++) a[i] = (float)(i + 1);
    for (int i = 0; i < 8; i++) bm[i] = (float)(i % 3) - 1.0f;
    int64_t sa[2] = {3, 4}, sbm[2] = {4, 2}, sab[2] = {3, 2}, sata[2] = {4, 4};
    numkern_array A = f32_array(a, 2, sa), BM = f32_array(bm, 2, sbm), AB = f32_array(ab, 2, sab), AT, ATA = f32_array(ata, 2, sata);
    NK(numkern_gemm(1.0, &A, &BM, 0.0, &AB));
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) {
            float want = 0;
            for (int p = 0; p < 4; p++) want += a[i * 4 + p] * bm[p * 2 + j];
            CHECK(ab[i * 2 + j] == want, "(A @ B)[%d][%d] = %g, want %g", i, j, ab[i * 2 + j], want);
        }
    NK(numkern_transpose(&A, &AT));
    NK(numkern_gemm(1.0, &AT, &A, 0.0, &ATA));
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            float want = 0;
            for (int p = 0; p < 3; p++) want += a[p * 4 + i] * a[p * 4 + j];
            CHECK(ata[i * 4 + j] == want, "(A.T @ A)[%d][%d] = %g, want %g", i, j, ata[i * 4 + j], want);
        }
    /* np.dot(v, w) of two rows of A, and a batched X @ W: (2,3,4) @ (4,2). */
    float dot = 0;
    int64_t s4[1] = {4};
    numkern_array V = f32_array(a, 1, s4), Wv = f32_array(a + 4, 1, s4), D = f32_array(&dot, 0, NULL);
    NK(numkern_dot(&V, &Wv, &D));
    CHECK(dot == 1 * 5 + 2 * 6 + 3 * 7 + 4 * 8, "dot = %g", dot);
    float xb[24], yb[12];
    for (int i = 0; i < 24; i++) xb[i] = (float)(i % 5) - 2.0f;
    int64_t sxb[3] = {2, 3, 4}, syb[8];
    int32_t nd = 0;
    NK(numkern_matmul_shape(sxb, 3, sbm, 2, syb, &nd));
    CHECK(nd == 3 && syb[0] == 2 && syb[1] == 3 && syb[2] == 2, "matmul shape");
    numkern_array XB = f32_array(xb, 3, sxb), YB = f32_array(yb, nd, syb);
    NK(numkern_matmul(&XB, &BM, &YB));
    for (int r = 0; r < 6; r++)
        for (int j = 0; j < 2; j++) {
            float want = 0;
            for (int p = 0; p < 4; p++) want += xb[r * 4 + p] * bm[p * 2 + j];
            CHECK(yb[r * 2 + j] == want, "(X @ W)[%d][%d] = %g, want %g", r, j, yb[r * 2 + j], want);
        }
    /* Mismatched inner dimensions name both shapes. */
    int32_t st = numkern_gemm(1.0, &A, &A, 0.0, &AB);
    CHECK(st == NUMKERN_ERR_SHAPE_MISMATCH && strstr(numkern_last_error_message(), "(3,4) and (3,4)") != NULL, "gemm error: %s",
          numkern_last_error_message());
    printf("linear algebra: sigmoid(X@W+b)[0] = [%.4f %.4f ...], (A@B)[0] = [%g %g], (A.T@A)[0][0] = %g, dot = %g\n", h[0], h[1],
           ab[0], ab[1], ata[0], dot);
}

/* Errors: NumPy's message for shapes that do not broadcast; outputs untouched. */
static void cell_errors(void) {
    float a[12] = {0}, b[5] = {0}, out[12];
    for (int i = 0; i < 12; i++) out[i] = -1.0f;
    int64_t sa[2] = {3, 4}, sb[1] = {5};
    numkern_array A = f32_array(a, 2, sa), B = f32_array(b, 1, sb), O = f32_array(out, 2, sa);
    int32_t st = numkern_add(&A, &B, &O);
    CHECK(st == NUMKERN_ERR_SHAPE_MISMATCH, "expected a shape mismatch, got %d", st);
    CHECK(strstr(numkern_last_error_message(), "operands could not be broadcast together with shapes (3,4) (5,)") != NULL,
          "message: %s", numkern_last_error_message());
    for (int i = 0; i < 12; i++) CHECK(out[i] == -1.0f, "output touched on error");
    printf("errors: %s\n", numkern_last_error_message());
}

/* Cell: statistics of predictions = np.random.randn(100, 5): overall and
 * per-axis mean/std/min/max, keepdims. */
static void cell_statistics(void) {
    enum { N = 100, C = 5 };
    static float p[N * C];
    for (int i = 0; i < N * C; i++) p[i] = rnd();
    int64_t shape[2] = {N, C};
    numkern_array pa = f32_array(p, 2, shape);
    double ref_mean = 0, ref_m2 = 0, ref_min = 1e9, ref_max = -1e9;
    for (int i = 0; i < N * C; i++) ref_mean += p[i];
    ref_mean /= N * C;
    for (int i = 0; i < N * C; i++) {
        ref_m2 += (p[i] - ref_mean) * (p[i] - ref_mean);
        if (p[i] < ref_min) ref_min = p[i];
        if (p[i] > ref_max) ref_max = p[i];
    }
    /* Overall: axes NULL (axis=None), 0-d outputs. */
    float mean, std, mn, mx;
    numkern_array m0 = f32_array(&mean, 0, NULL), s0 = f32_array(&std, 0, NULL);
    numkern_array n0 = f32_array(&mn, 0, NULL), x0 = f32_array(&mx, 0, NULL);
    NK(numkern_mean(&pa, NULL, 0, &m0));
    NK(numkern_std(&pa, NULL, 0, 0.0, &s0));
    NK(numkern_min(&pa, NULL, 0, &n0));
    NK(numkern_max(&pa, NULL, 0, &x0));
    CHECK(close_to(mean, ref_mean, 1e-6), "mean %g vs %g", mean, ref_mean);
    CHECK(close_to(std, sqrt(ref_m2 / (N * C)), 1e-6), "std %g", std);
    CHECK(mn == (float)ref_min && mx == (float)ref_max, "min %g max %g", mn, mx);
    /* Mean per class (axis=0): shape (5,). */
    float per_class[C];
    int64_t axis0 = 0, sc[1] = {C};
    numkern_array pc = f32_array(per_class, 1, sc);
    NK(numkern_mean(&pa, &axis0, 1, &pc));
    for (int j = 0; j < C; j++) {
        double s = 0;
        for (int i = 0; i < N; i++) s += p[i * C + j];
        CHECK(close_to(per_class[j], s / N, 1e-6), "mean[:, %d]", j);
    }
    /* Max per sample with keepdims: the helper gives (100, 1), else (100,). */
    int64_t axis1 = 1, kshape[NUMKERN_MAX_NDIM];
    int32_t knd;
    NK(numkern_reduced_shape(shape, 2, &axis1, 1, 1, kshape, &knd));
    CHECK(knd == 2 && kshape[0] == N && kshape[1] == 1, "keepdims shape");
    NK(numkern_reduced_shape(shape, 2, &axis1, 1, 0, kshape, &knd));
    CHECK(knd == 1 && kshape[0] == N, "dropped shape");
    static float row_max[N];
    int64_t ks[2] = {N, 1};
    numkern_array rm = f32_array(row_max, 2, ks);
    NK(numkern_max(&pa, &axis1, 1, &rm));
    for (int i = 0; i < N; i++) {
        float want = p[i * C];
        for (int j = 1; j < C; j++) want = p[i * C + j] > want ? p[i * C + j] : want;
        CHECK(row_max[i] == want, "max[%d] keepdims", i);
    }
    printf("statistics: mean %.4f std %.4f min %.4f max %.4f\n", mean, std, mn, mx);
}

/* Cell: the stable softmax of a 5x3 batch, argmax predictions, accuracy;
 * MSE/RMSE/MAE on the seed's y_true/y_pred; cross-entropy; the standardize
 * step of the preprocessing pipeline. */
static void cell_losses(void) {
    float logits[15];
    for (int i = 0; i < 15; i++) logits[i] = 2.0f * rnd();
    int64_t s53[2] = {5, 3}, s5[1] = {5};
    numkern_array la = f32_array(logits, 2, s53);
    float prob[15];
    numkern_array pa = f32_array(prob, 2, s53);
    NK(numkern_softmax(&la, 1, &pa, 0));
    for (int i = 0; i < 5; i++) {
        double m = logits[i * 3], s = 0;
        for (int j = 1; j < 3; j++) m = logits[i * 3 + j] > m ? logits[i * 3 + j] : m;
        for (int j = 0; j < 3; j++) s += exp(logits[i * 3 + j] - m);
        for (int j = 0; j < 3; j++) CHECK(close_to(prob[i * 3 + j], exp(logits[i * 3 + j] - m) / s, 1e-6), "softmax[%d][%d]", i, j);
    }
    int64_t labels[5] = {0, 1, 2, 1, 0}, pred[5];
    numkern_array lab, pr;
    NK(numkern_array_init(labels, NUMKERN_I64, 1, s5, &lab));
    NK(numkern_array_init(pred, NUMKERN_I64, 1, s5, &pr));
    int64_t axis1 = 1;
    NK(numkern_argmax(&pa, &axis1, 1, &pr));
    double acc;
    int hits = 0;
    numkern_array aa;
    NK(numkern_array_init(&acc, NUMKERN_F64, 0, NULL, &aa));
    NK(numkern_accuracy(&la, &lab, 1, &aa));
    for (int i = 0; i < 5; i++) hits += pred[i] == labels[i];
    CHECK(acc == hits / 5.0, "accuracy %g vs %d / 5", acc, hits);

    float y_true[5] = {1.5f, 2.3f, 3.1f, 4.2f, 5.0f}, y_pred[5] = {1.2f, 2.1f, 3.4f, 4.0f, 5.2f};
    numkern_array ta = f32_array(y_true, 1, s5), ya = f32_array(y_pred, 1, s5);
    float mse, rmse, mae;
    numkern_array ma = f32_array(&mse, 0, NULL), ra = f32_array(&rmse, 0, NULL), ea = f32_array(&mae, 0, NULL);
    NK(numkern_mse(&ta, &ya, NULL, 0, &ma));
    NK(numkern_rmse(&ta, &ya, NULL, 0, &ra));
    NK(numkern_mae(&ta, &ya, NULL, 0, &ea));
    double d2 = 0, d1 = 0;
    for (int i = 0; i < 5; i++) {
        d2 += ((double)y_true[i] - y_pred[i]) * ((double)y_true[i] - y_pred[i]) / 5;
        d1 += fabs((double)y_true[i] - y_pred[i]) / 5;
    }
    CHECK(close_to(mse, d2, 1e-6) && close_to(rmse, sqrt(d2), 1e-6) && close_to(mae, d1, 1e-6), "mse %g rmse %g mae %g", mse, rmse, mae);

    float ce;
    numkern_array ca = f32_array(&ce, 0, NULL);
    NK(numkern_cross_entropy(&la, &lab, 1, NULL, -100, 0.0, NUMKERN_REDUCTION_MEAN, &ca));
    double want_ce = 0;
    for (int i = 0; i < 5; i++) want_ce -= log(prob[i * 3 + labels[i]]) / 5;
    CHECK(close_to(ce, want_ce, 1e-5), "cross-entropy %g vs %g", ce, want_ce);

    /* raw_data = randn(1000, 20) * 5 + 10; (raw - mean(axis=0)) / std(axis=0). */
    enum { R = 1000, F = 20 };
    static float raw[R * F], z[R * F];
    for (int i = 0; i < R * F; i++) raw[i] = rnd() * 5.0f + 10.0f;
    int64_t sr[2] = {R, F}, axis0 = 0, sf[1] = {F};
    numkern_array rawa = f32_array(raw, 2, sr), za = f32_array(z, 2, sr);
    NK(numkern_standardize(&rawa, &axis0, 1, 0.0, &za));
    float zm[F], zs[F];
    numkern_array zma = f32_array(zm, 1, sf), zsa = f32_array(zs, 1, sf);
    NK(numkern_mean(&za, &axis0, 1, &zma));
    NK(numkern_std(&za, &axis0, 1, 0.0, &zsa));
    for (int j = 0; j < F; j++) CHECK(fabsf(zm[j]) < 1e-6f && fabsf(zs[j] - 1.0f) < 1e-6f, "standardized column %d: mean %g std %g", j, zm[j], zs[j]);
    printf("losses: accuracy %.2f mse %.4f rmse %.4f mae %.4f cross-entropy %.4f\n", acc, mse, rmse, mae, ce);
}

int main(void) {
    printf("numkern %s, ISA %s, %d threads\n", numkern_version(), numkern_isa_name(numkern_get_isa()),
           numkern_get_num_threads());
    cell_creation();
    cell_random();
    cell_joining();
    cell_indexing();
    cell_bias();
    cell_mean_center();
    cell_activations();
    cell_views();
    cell_linear_algebra();
    cell_statistics();
    cell_losses();
    cell_errors();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("tour.c: all checks passed\n");
    return 0;
}
