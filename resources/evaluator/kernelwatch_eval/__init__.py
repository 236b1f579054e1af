"""kernelwatch's evaluation package: KernelBench-compatible, isolated, integrity-checked
evaluation of candidate GPU kernels. See PROTOCOL.md next to this package, and README.md here for
the subpackages (sandbox < loading < checks < measure < evaluation).

Entry points (the package's top level holds only these):
  python3 -m kernelwatch_eval.zygote --device cpu|cuda:N --cache-dir DIR   (local worker)
  python3 -m kernelwatch_eval.run_one [--cache-dir D] < request.json        (fresh interpreter)
  python3 -m kernelwatch_eval.probe                                         (environment probe)
  python3 -m kernelwatch_eval.profile_one --request R --status S            (under a profiler)
  kernelwatch_eval.standalone.run_isolated(request, timeout_s, cache_dir)   (Modal app, scripts)
  kernelwatch_eval.zygote_client.ZygoteClient                              (tests, benchmarks)
"""

import os as _os

# torch.cuda.is_available() (called by torch.utils.cpp_extension at import) initialises the CUDA
# driver unless this is set, and a forked child of such a process cannot use CUDA. The NVML-based
# check answers the same question without touching the driver, so the zygote (and any process that
# imports this package before torch) stays safe to fork.
_os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")

__version__ = "0.1.0"
PROTOCOL_VERSION = 1
