"""Everything that can fail a kernel or flag it: static rules over the source (static_rules),
runtime integrity checks (integrity), numerical comparison and tolerances (compare), the
correctness trials (correctness) and the input guard of the timed window (input_guard).
Imports only sandbox and loading.
"""
