#!/bin/bash
# Issue 17 on a GPU machine (the device): GPU pytest of baselines / speed of light / profile_one,
# sol_check.py over the samples and KernelBench problems, then the carried kernelwatch-cli
# (tests/bench/device_bundle.sh) evaluating with both baselines and profiling with ncu.
# Usage: bash tests/bench/h100_issue17.sh OUTDIR [pytest|sol|cli|gui-data|probe|kbprofile|timing|record]...
# gui-data: a history store and profiles in the layout the app reads (OUTDIR/data as
# XDG_DATA_HOME): eval --baseline both, then profile --id, of softmax Triton and the CUDA SGEMM.
# probe: the evaluator's torch probe (the H100 fixture) and the GPU's name, driver and torch.
# kbprofile: `kernelwatch-cli profile` of KernelBench problems (identity candidates).
# timing: a reliable GPU win as evaluated, the fixture tests/fixtures/timing/reliable_win.json.
# Knobs: PYTEST_K, PYTEST_S, PYTEST_FILES, PYTEST_V, SOL_ONLY, SOL_S, GUI_PAIRS (ref:kernel:backend ...),
# KB_PROBLEMS (file stems under tests/fixtures/kernelbench_problems), KB_S.
set -u
OUTD=${1:?usage: h100_issue17.sh OUTDIR [steps]}; shift
STEPS=${*:-pytest sol cli record}
mkdir -p "$OUTD"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
export PYTHONUNBUFFERED=1 KERNELWATCH_EVALUATOR_DIR=$ROOT/resources/evaluator LD_LIBRARY_PATH=$ROOT/.devcarry/lib
CLI=$ROOT/.devcarry/bin/kernelwatch-cli S=resources/samples DB=$OUTD/history.sqlite
for step in $STEPS; do
  case $step in
  pytest)
    (cd resources/evaluator && timeout ${PYTEST_S:-220} python3 -m pytest ${PYTEST_V:--q} -p no:cacheprovider \
      ${PYTEST_FILES:-../../tests/python/test_baselines_sol.py ../../tests/python/test_gpu.py ../../tests/python/test_profile_one.py} -rs \
      -k "${PYTEST_K:-not hostile and not cheat and not timing_spread and not oom and not gpu_sample}" > "$OUTD/pytest_gpu.txt" 2>&1)
    tail -25 "$OUTD/pytest_gpu.txt" ;;
  sol)
    timeout ${SOL_S:-200} python3 tests/bench/sol_check.py "$OUTD/sol_check.jsonl" --cache-dir /tmp/kw-sol ${SOL_ONLY:+--only "$SOL_ONLY"} > "$OUTD/sol_check.txt" 2>&1
    tail -30 "$OUTD/sol_check.txt" ;;
  cli)
    {
      $CLI doctor
      for pair in swish_ref:swish_cuda:cuda softmax_ref:softmax_triton:triton matmul_ref:matmul_cuda:cuda relu_ref:relu_kernel:cuda; do
        IFS=: read -r ref k b <<< "$pair"
        timeout 150 $CLI eval --ref $S/$ref.py --kernel $S/$k.py --backend $b --device cuda --baseline both --db "$DB"
      done
      timeout 120 $CLI profile --ref $S/swish_ref.py --kernel $S/swish_cuda.py --device cuda:0 --json --out "$OUTD/profile_swish" > "$OUTD/profile_swish.json"
      echo "profile exit $?"
      timeout 120 $CLI profile --ref $S/matmul_ref.py --kernel $S/matmul_cuda.py --device cuda:0 --out "$OUTD/profile_matmul"
      $CLI history --db "$DB" --limit 0; $CLI history --db "$DB" --summary
    } > "$OUTD/cli.txt" 2>&1
    tail -60 "$OUTD/cli.txt" ;;
  gui-data)
    {
      export XDG_DATA_HOME=$OUTD/data
      for pair in ${GUI_PAIRS:-softmax_ref:softmax_triton:triton matmul_ref:matmul_cuda:cuda}; do
        IFS=: read -r ref k b <<< "$pair"
        id=$(timeout 150 $CLI eval --ref $S/$ref.py --kernel $S/$k.py --backend $b --device cuda --baseline both --json \
             | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
        echo "== $k: $id"
        timeout 150 $CLI profile --id "$id"; echo "profile exit $?"
      done
      $CLI history --limit 0
    } > "$OUTD/gui_data.txt" 2>&1
    tail -40 "$OUTD/gui_data.txt" ;;
  probe)
    # The evaluator's torch probe on this host: the fixture tests/fixtures/probe/probe_h100.txt.
    (cd resources/evaluator && timeout 40 python3 -m kernelwatch_eval.probe) > "$OUTD/probe_h100.txt" 2> "$OUTD/probe_h100.err"
    nvidia-smi --query-gpu=name,driver_version --format=csv > "$OUTD/gpu.txt" 2>&1
    python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' >> "$OUTD/gpu.txt" 2>&1
    cat "$OUTD/probe_h100.txt" "$OUTD/gpu.txt" ;;
  kbprofile)
    # KernelBench problems profiled under ncu: each reference as its own candidate (an identity
    # kernel), so the table shows the kernels PyTorch launches for it.
    K=tests/fixtures/kernelbench_problems
    for prob in ${KB_PROBLEMS:-level1_40_LayerNorm level2_12_Gemm_Multiply_LeakyReLU}; do
      { cat "$K/$prob.py"; printf '\n\nclass ModelNew(Model):\n    pass\n'; } > "/tmp/${prob}_identity.py"
      timeout ${KB_S:-70} $CLI profile --ref "$K/$prob.py" --kernel "/tmp/${prob}_identity.py" --device cuda:0 \
        --out "$OUTD/profile_$prob" > "$OUTD/profile_$prob.txt" 2>&1
      echo "exit $?" >> "$OUTD/profile_$prob.txt"
      tail -12 "$OUTD/profile_$prob.txt"
    done ;;
  timing)
    # tests/fixtures/timing/reliable_win.json: a GPU win with its interval (tests/fixtures/timing/record.sh).
    timeout 150 $CLI eval --ref $S/softmax_ref.py --kernel $S/softmax_triton.py --backend triton --device cuda:0 \
      --json > "$OUTD/reliable_win.json" 2> "$OUTD/reliable_win.err"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["status"], d["speedup"], d.get("speedup_ci"), d["timing_quality"]["verdict"])' "$OUTD/reliable_win.json" ;;
  record)
    timeout 90 bash tests/fixtures/ncu/record.sh "$OUTD/ncu" profile_one > "$OUTD/record.log" 2>&1; tail -5 "$OUTD/record.log" ;;
  esac
done
