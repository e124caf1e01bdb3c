//! Adversarial origins, a reference model, property tests and fuzz corpus replay.
