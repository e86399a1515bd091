#pragma once
// A latency histogram for hot paths: fixed log-scale buckets (powers of two from 16 us to
// ~33.5 s, then overflow) of relaxed atomic counters. record() takes no lock and allocates
// nothing, so any thread may call it per request or per commit; readers get an approximate
// but consistent-enough view (each counter is exact; the set is not one instant).
//
// Percentiles are the upper bound of the bucket the rank falls in (at most 2x the true value,
// never below it); `max` is exact.
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>

namespace meridian::core {

class LatencyHistogram {
 public:
  static constexpr std::size_t kBounded = 22;  // bucket i: <= 2^(i+4) us
  static constexpr std::size_t kBuckets = kBounded + 1;

  // The upper bound of bucket i in microseconds (the overflow bucket's is infinite).
  static constexpr std::uint64_t upper_bound_us(std::size_t i) noexcept { return std::uint64_t{16} << i; }

  static constexpr std::size_t bucket_of(std::uint64_t us) noexcept {
    if (us <= 16) return 0;
    // ceil(log2(us)) - 4: the first i with us <= 2^(i+4).
    const auto i = static_cast<std::size_t>(std::bit_width(us - 1)) - 4;
    return i < kBounded ? i : kBounded;
  }

  void record(std::chrono::nanoseconds elapsed) noexcept {
    const auto us = static_cast<std::uint64_t>(elapsed.count() < 0 ? 0 : (elapsed.count() + 999) / 1000);
    buckets_[bucket_of(us)].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(us, std::memory_order_relaxed);
    auto seen = max_us_.load(std::memory_order_relaxed);
    while (us > seen && !max_us_.compare_exchange_weak(seen, us, std::memory_order_relaxed)) {
    }
  }

  struct View {
    std::array<std::uint64_t, kBuckets> buckets{};
    std::uint64_t count = 0;
    std::uint64_t sum_us = 0;
    std::uint64_t max_us = 0;

    // The q-quantile (0 < q <= 1) in microseconds: the upper bound of its bucket, capped at
    // max (the overflow bucket's answer is max); 0 when empty.
    std::uint64_t quantile_us(double q) const noexcept {
      if (count == 0) return 0;
      auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count) + 0.999999);
      if (rank < 1) rank = 1;
      std::uint64_t seen = 0;
      for (std::size_t i = 0; i < kBounded; ++i) {
        seen += buckets[i];
        if (seen >= rank) return upper_bound_us(i) < max_us ? upper_bound_us(i) : max_us;
      }
      return max_us;
    }
  };

  View view() const noexcept {
    View v;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      v.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
      v.count += v.buckets[i];
    }
    v.sum_us = sum_us_.load(std::memory_order_relaxed);
    v.max_us = max_us_.load(std::memory_order_relaxed);
    return v;
  }

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
  std::atomic<std::uint64_t> sum_us_{0};
  std::atomic<std::uint64_t> max_us_{0};
};

}  // namespace meridian::core
