//! Counter-based random numbers (issue 22, in progress): the generator.
pub mod philox;
