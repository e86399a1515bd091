#pragma once
// Counts calls to the global operator new in a test binary that links allocation_counter.cpp
// (which replaces it), so a test can assert that a hot path allocates nothing.
namespace meridian::test {

long allocations() noexcept;

}  // namespace meridian::test
