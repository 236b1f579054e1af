"""Measurement: the timer (timing), reference-versus-candidate timing and speedups (speedup), the
trust in a speedup (quality), the eager and torch.compile baselines (baselines) and the speed of
light (speed_of_light). Imports only sandbox, loading and checks.
"""
