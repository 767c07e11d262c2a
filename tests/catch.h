// Catch2 for the tests that see LibTorch headers. LibTorch's c10 logging (glog in Debian's
// build) defines its own CHECK macro; a test that included LibTorch after Catch2 would get that
// CHECK, and a failing check would abort the process instead of being reported. Including c10's
// logging first, dropping its CHECK, then Catch2 keeps Catch's CHECK whatever is included later
// (c10's header is include-guarded). The sanitizer build of the LibTorch-free tests
// (tests/sanitize/) sets TERSE_TESTS_WITHOUT_TORCH and gets Catch2 alone.
#pragma once

#ifndef TERSE_TESTS_WITHOUT_TORCH
#include <c10/util/Logging.h>
#undef CHECK
#endif
#include <catch2/catch.hpp>
