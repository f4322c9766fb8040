#!/usr/bin/env bash
# The whole CUDA check in one device call: install the CUDA extras from the wheel folder .whl/, report the GPU,
# driver and CUDA versions, run the test suite on the CUDA backend (no -x: every failure listed; a time limit per
# test), the distributed tests (they launch their ranks with mpiexec -n 2 and -n 3, every rank on the one GPU), then
# the GPU benchmarks; logs and JSON go to OUTDIR.
#
#   bash bench/gpu_check.sh OUTDIR             on a CUDA machine, from the repository root
#   bash bench/gpu_check.sh OUTDIR --dry-run   on a machine without a GPU: the CPU backend, a small test subset and
#                                              --quick benchmarks, every step of the real run exercised
#
# The device time is short (minutes), so every step has its own time limit and the script goes on past a failed
# step: one run must say everything. The limits (environment check 30 s, in practice seconds; suite 170 s;
# distributed 75 s; benchmarks 75 s + 60 s) keep the run under 7 minutes. OUTDIR holds 8 files, no subfolders:
# summary.txt (what to read first), env.log, pytest.log, distributed.log, optimizers.log, nets.log, optimizers.json,
# nets.json. The exit status is 0 when every step exited 0.
set -uo pipefail

out=${1:?usage: bash bench/gpu_check.sh OUTDIR [--dry-run]}
dryRun=0
case "${2:-}" in
	"") ;;
	--dry-run) dryRun=1 ;;
	*) echo "bench/gpu_check.sh: expected --dry-run or nothing after OUTDIR, got '$2'" >&2; exit 2 ;;
esac
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 1
cd "$(dirname "$0")/.." || exit 1

started=$SECONDS
failedSteps=0
summary="$out/summary.txt"
: > "$summary"
say() { echo "[gpu_check +$((SECONDS - started))s] $*" | tee -a "$summary"; }

# step NAME LIMIT SIGNAL COMMAND...: runs one step under its own time limit, logs to OUTDIR/NAME.log and records its
# exit status. pytest gets SIGINT at the limit: it then still prints its failures and counts so far.
step() {
	local name=$1 limit=$2 signal=$3
	shift 3
	say "start $name (limit ${limit}s): $*"
	timeout -s "$signal" -k 15 "$limit" "$@" > "$out/$name.log" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || failedSteps=$((failedSteps + 1))
	say "end   $name: exit $rc$([ $rc -eq 124 ] && echo " (hit its ${limit}s limit)")"
}

# pytestReport NAME: the counts line and every failed or erroring test of OUTDIR/NAME.log, into the summary
pytestReport() {
	local log="$out/$1.log"
	{
		echo "    counts: $(grep -E '[0-9]+ (passed|failed|skipped|errors?|deselected)' "$log" | tail -n 1 | tr -d '=' | sed 's/^ *//')"
		grep -E '^(FAILED|ERROR) ' "$log" | head -n 100 | cut -c 1-240 | sed 's/^/    /'
	} | tee -a "$summary"
}

# 1. The CUDA extras, offline: .whl/install.sh installs the wheels beside it and prints the exports to evaluate
if [ -f .whl/install.sh ]; then
	wheels=$(cd .whl && ls -- *.whl 2>/dev/null | sed 's/-py.*//; s/-cp.*//' | tr '\n' ' ')
	if [ $dryRun -eq 1 ]; then
		say "dry run: .whl/ holds $wheels(not installed)"
	elif exports=$(bash .whl/install.sh 2> "$out/env.log"); then
		eval "$exports"
		say "installed from .whl/: $wheels"
	else
		say "install.sh failed (see env.log); going on with what is installed"
		failedSteps=$((failedSteps + 1))
	fi
else
	say "no .whl/install.sh: expecting PyCUDA and scikit-cuda to be installed already"
fi

if [ $dryRun -eq 1 ]; then backend=cpu; else backend=cuda; fi
export FRAMEWORK_BACKEND=$backend PYTHONUNBUFFERED=1 FRAMEWORK_REQUIRE_MPI=1
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
export FRAMEWORK_CACHE_DIR=${FRAMEWORK_CACHE_DIR:-$(mktemp -d)/kernels}
say "backend $backend$([ $dryRun -eq 1 ] && echo ' (dry run)'), repository $PWD, git $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

# 2. The GPU, the driver and the CUDA versions (nvidia-smi, nvcc, PyCUDA, torch), and whether the backend starts
{
	echo "== nvidia-smi"
	nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv 2>&1 || true
	echo "== nvcc"
	nvcc --version 2>&1 | tail -n 2 || true
} >> "$out/env.log"
timeout -k 5 30 python - >> "$out/env.log" 2>&1 <<'EOF'
import platform

import numpy

print("== python", platform.python_version(), "numpy", numpy.__version__)
try:
	import torch
	print("torch", torch.__version__, "built for CUDA", torch.version.cuda,
		"device", torch.cuda.get_device_name() if torch.cuda.is_available() else "none")
except ImportError:
	print("torch not installed")
try:
	import pycuda.driver as drv
	drv.init()
	print("PyCUDA: CUDA driver API", drv.get_driver_version(), "built for CUDA", drv.get_version(), "devices", drv.Device.count())
	for k in range(drv.Device.count()):
		device = drv.Device(k)
		print("gpu %d: %s, compute capability %d.%d, %.1f GiB" % (
			k, device.name(), *device.compute_capability(), device.total_memory() / 2 ** 30))
except Exception as error:  # ImportError, or no driver/device: said, not raised
	print("PyCUDA unavailable:", type(error).__name__, error)

from framework import Config
from framework.Backend import gpuarray

ary = gpuarray.to_gpu(numpy.arange(4, dtype=numpy.float32))
print("framework backend", Config.getBackend(), "round trip", (ary.get() == numpy.arange(4)).all())
EOF
[ $? -eq 0 ] || { say "the environment check failed (see env.log)"; failedSteps=$((failedSteps + 1)); }
grep -E '^(gpu [0-9]|torch|PyCUDA|framework backend|== python)|^[^=].*, *[0-9.]+ *MiB|release [0-9]' "$out/env.log" | cut -c 1-200 | sed 's/^/    /' | tee -a "$summary"

# 3. The suite, most important first (a run cut at its limit has covered those): no -x, so every failure is
# listed; FRAMEWORK_TEST_TIMEOUT (tests/conftest.py) fails a test phase that runs too long. tests/Distributed is
# step 4.
tests=(tests/Backend tests/Optimizers tests/Modules)
for path in tests/*; do
	case "$path" in
		tests/Backend | tests/Optimizers | tests/Modules | tests/Distributed | tests/__pycache__) ;;
		tests/test_*.py) tests+=("$path") ;;
		*) [ -d "$path" ] && tests+=("$path") ;;
	esac
done
if [ $dryRun -eq 1 ]; then
	say "dry run: the real run's order is ${tests[*]}"
	tests=(tests/Backend/test_Config.py tests/Optimizers/test_optimizerKernels.py tests/Modules/test_poolEdges.py)
fi
step pytest 170 INT env FRAMEWORK_TEST_TIMEOUT=60 python -m pytest -q -p no:cacheprovider -rfE "${tests[@]}"
pytestReport pytest

# 4. The distributed tests: ordinary pytest that launches its workers with mpiexec -n 2 (and -n 3); every rank
# sees the one GPU (NodeInfo picks device local rank modulo the device count).
if [ -d tests/Distributed ]; then
	if [ $dryRun -eq 1 ]; then distributed=(tests/Distributed -k test_collectives); else distributed=(tests/Distributed); fi
	step distributed 75 INT env FRAMEWORK_TEST_TIMEOUT=60 python -m pytest -q -p no:cacheprovider -rfE "${distributed[@]}"
	pytestReport distributed
fi

# 5. The benchmarks: --backend cuda times the GPU tables against torch on the same GPU; the dry run times the same
# code (--device-table) on the CPU with tiny sizes.
if [ $dryRun -eq 1 ]; then benchFlags=(--backend cpu --device-table --quick); else benchFlags=(--backend cuda); fi
step optimizers 75 TERM python bench/optimizers.py "${benchFlags[@]}" --json "$out/optimizers.json"
grep -E '^(optimizer|targets|one optimizer)|tensors' "$out/optimizers.log" | cut -c 1-200 | sed 's/^/    /' | tee -a "$summary"
step nets 60 TERM python bench/nets.py "${benchFlags[@]}" --json "$out/nets.json"
grep -E '^(net |one training|MLP|LeNet)' "$out/nets.log" | cut -c 1-200 | sed 's/^/    /' | tee -a "$summary"

say "done in $((SECONDS - started))s, $failedSteps step(s) failed; logs and JSON in $out"
[ $failedSteps -eq 0 ]
