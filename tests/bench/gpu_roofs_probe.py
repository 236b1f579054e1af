"""Prints what one GPU reaches (copy bandwidth, matmul throughput per precision) next to its
datasheet, and eager vs torch.compile times for the sample references: the facts the speed-of-light
table and the compile baselines are checked against. Run on a GPU machine."""
import importlib.util
import json
import sys
import time

import torch


def bench(fn, reps=20):
    fn()
    torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    best = float("inf")
    for _ in range(reps):
        s.record()
        fn()
        e.record()
        e.synchronize()
        best = min(best, s.elapsed_time(e))
    return best


def main():
    p = torch.cuda.get_device_properties(0)
    out = {"device": p.name, "sms": p.multi_processor_count, "l2_bytes": p.L2_cache_size, "torch": torch.__version__}
    n = 1 << 28  # 1 GiB of fp32
    a = torch.empty(n, device="cuda")
    b = torch.empty_like(a)
    ms = bench(lambda: b.copy_(a))
    out["copy_GBps"] = 2 * a.numel() * 4 / (ms * 1e-3) / 1e9
    for dt, name, tf32 in [(torch.float32, "fp32", False), (torch.float32, "tf32", True),
                           (torch.bfloat16, "bf16", False), (torch.float16, "fp16", False)]:
        torch.backends.cuda.matmul.allow_tf32 = tf32
        m = 8192
        x, y = torch.randn(m, m, device="cuda", dtype=dt), torch.randn(m, m, device="cuda", dtype=dt)
        ms = bench(lambda: x @ y, reps=10)
        out[f"matmul_{name}_TFLOPs"] = 2 * m ** 3 / (ms * 1e-3) / 1e12
    torch.backends.cuda.matmul.allow_tf32 = False
    samples = sys.argv[1]
    for ref in ["relu_ref", "swish_ref", "softmax_ref", "matmul_ref"]:
        spec = importlib.util.spec_from_file_location(ref, f"{samples}/{ref}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        model = mod.Model(*mod.get_init_inputs()).cuda()
        inputs = [t.cuda() for t in mod.get_inputs()]
        row = {"eager_ms": bench(lambda: model(*inputs))}
        for mode in ["default", "max-autotune-no-cudagraphs"]:
            torch._dynamo.reset()
            t0 = time.monotonic()
            cm = torch.compile(model, mode=mode)
            cm(*inputs)
            torch.cuda.synchronize()
            row[f"{mode}_compile_s"] = time.monotonic() - t0
            row[f"{mode}_ms"] = bench(lambda: cm(*inputs))
        from torch.utils.flop_counter import FlopCounterMode
        with FlopCounterMode(display=False) as fc:
            model(*inputs)
        row["flops"] = fc.get_total_flops()
        out[ref] = row
        print(ref, json.dumps(row), flush=True)
    print(json.dumps(out, indent=1))


main()
