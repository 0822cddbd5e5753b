// The seed's "simple neural network layer" activations from C++: a small
// RAII-free wrapper over numkern_array, every tier, checked against <cmath>.
#include "numkern.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Tensor {
    std::vector<float> data;
    std::vector<int64_t> shape;
    numkern_array desc() {
        numkern_array a;
        check(numkern_array_init(data.data(), NUMKERN_F32, static_cast<int32_t>(shape.size()), shape.data(), &a));
        return a;
    }
    static void check(int32_t status) {
        if (status != NUMKERN_OK) throw std::runtime_error(numkern_last_error_message());
    }
};

int run() {
    int failures = 0;
    Tensor x{std::vector<float>(64 * 33), {64, 33}};
    for (size_t i = 0; i < x.data.size(); ++i) x.data[i] = static_cast<float>(std::sin(0.37 * i) * 6.0);
    for (int isa = NUMKERN_ISA_PORTABLE; isa <= NUMKERN_ISA_AVX512; ++isa) {
        if (numkern_set_isa(isa) != NUMKERN_OK) continue;  // not on this CPU
        Tensor h{std::vector<float>(x.data.size()), x.shape}, y{std::vector<float>(x.data.size()), x.shape};
        numkern_array X = x.desc(), H = h.desc(), Y = y.desc();
        Tensor::check(numkern_affine(&X, 0.5, 0.25, &H));  // h = 0.5 x + 0.25
        Tensor::check(numkern_gelu(&H, &Y));                // y = gelu(h)
        for (size_t i = 0; i < y.data.size(); ++i) {
            double hv = 0.5 * x.data[i] + 0.25;
            double want = 0.5 * hv * std::erfc(-hv / std::sqrt(2.0));
            if (std::fabs(y.data[i] - want) > 1e-6 * std::fabs(want) + 1e-30) {
                std::fprintf(stderr, "FAIL gelu on %s at %zu: %.9g vs %.9g\n", numkern_isa_name(isa), i, y.data[i], want);
                ++failures;
                break;
            }
        }
        std::printf("tour.cpp: gelu(0.5 x + 0.25) on %s ok\n", numkern_isa_name(isa));
    }
    numkern_set_isa(numkern_detected_isa());
    try {
        Tensor bad{std::vector<float>(3), {3}};
        numkern_array B = bad.desc(), X = x.desc();
        Tensor::check(numkern_exp(&X, &B));
        std::fprintf(stderr, "FAIL: expected an error\n");
        ++failures;
    } catch (const std::runtime_error &e) {
        std::printf("tour.cpp: error as expected: %s\n", e.what());
    }
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main() {
    int rc = run();
    std::printf(rc == 0 ? "tour.cpp: all checks passed\n" : "tour.cpp: FAILED\n");
    return rc;
}
