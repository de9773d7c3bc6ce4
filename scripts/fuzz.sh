#!/usr/bin/env bash
# A million hostile texts through split and normalize (tests/robustness.rs),
# optimized: about two minutes on this 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --test robustness -- --ignored --nocapture
