"""kernelwatch's evaluation package: KernelBench-compatible, isolated, integrity-checked
evaluation of candidate GPU kernels. See PROTOCOL.md next to this package.

Entry points:
  python3 -m kernelwatch_eval.zygote --device cpu|cuda:N --cache-dir DIR   (local worker)
  python3 -m kernelwatch_eval.run_one [--cache-dir D] < request.json        (fresh interpreter)
  python3 -m kernelwatch_eval.probe                                         (environment probe)
  kernelwatch_eval.isolated.run_isolated(request, timeout_s, cache_dir)     (Modal app, scripts)
"""

__version__ = "0.1.0"
PROTOCOL_VERSION = 1
