#!/usr/bin/env bash
# A million hostile texts through split and normalize (tests/robustness.rs),
# optimized: about two minutes on this 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
BRIEFING_FUZZ_INPUTS=1000000 cargo test --release --test robustness hostile_texts -- --nocapture
