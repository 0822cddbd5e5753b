//! Scalar references for tests (placeholder, filled below).
