/* Per-call cost of small numkern calls through the C ABI (issue 23 item 3):
 * the seed tutorials' arrays are mostly this small, so the fixed cost of a
 * call (descriptor validation, dispatch, iteration setup) is what a user
 * pays. Best of 7 rounds of 200,000 calls each, in nanoseconds per call.
 *
 *   cargo build --release && make -C c_examples overhead
 */
#define _POSIX_C_SOURCE 199309L
#include <numkern.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void must(int32_t status) {
    if (status != NUMKERN_OK) {
        fprintf(stderr, "call_overhead: %s\n", numkern_last_error_message());
        exit(1);
    }
}

static numkern_array f32(float *data, int32_t ndim, const int64_t *shape) {
    numkern_array a;
    must(numkern_array_init(data, NUMKERN_F32, ndim, shape, &a));
    return a;
}

enum { CALLS = 200000, ROUNDS = 7 };

#define MEASURE(label, call)                                                  \
    do {                                                                      \
        double best = 1e30;                                                   \
        for (int r = 0; r < ROUNDS; r++) {                                    \
            double t0 = now_ns();                                             \
            for (int i = 0; i < CALLS; i++) must(call);                       \
            double per = (now_ns() - t0) / CALLS;                             \
            if (per < best) best = per;                                       \
        }                                                                     \
        printf("%-48s %8.1f ns\n", label, best);                              \
    } while (0)

int main(void) {
    static float a5[5], b5[5], c5[5], x[32 * 10], w[10 * 5], bias[5], y[32 * 5], z[32 * 5];
    for (int i = 0; i < 5; i++) a5[i] = b5[i] = bias[i] = 0.25f * (float)i;
    for (int i = 0; i < 32 * 10; i++) x[i] = 0.01f * (float)i;
    for (int i = 0; i < 10 * 5; i++) w[i] = 0.02f * (float)i;
    int64_t n5[1] = {5}, s325[2] = {32, 5}, s3210[2] = {32, 10}, s105[2] = {10, 5};
    numkern_array A = f32(a5, 1, n5), B = f32(b5, 1, n5), C = f32(c5, 1, n5);
    numkern_array X = f32(x, 2, s3210), W = f32(w, 2, s105), Bias = f32(bias, 1, n5), Y = f32(y, 2, s325), Z = f32(z, 2, s325);
    must(numkern_set_num_threads(1));
    printf("numkern per-call cost, 1 thread, best of %d x %d calls\n", ROUNDS, CALLS);
    MEASURE("numkern_add, 5 contiguous f32", numkern_add(&A, &B, &C));
    MEASURE("numkern_exp, 5 contiguous f32", numkern_exp(&A, &C));
    MEASURE("numkern_add, broadcast (32,5) + (5,)", numkern_add(&Y, &Bias, &Z));
    MEASURE("numkern_copy, 5 contiguous f32", numkern_copy(&A, &C));
    MEASURE("numkern_linear, 32x10 . 10x5 + b, sigmoid", numkern_linear(&X, &W, &Bias, NUMKERN_ACT_SIGMOID, &Y));
    return 0;
}
