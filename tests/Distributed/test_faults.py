"""An exception on one rank ends the whole job quickly, non-zero, with that rank's traceback."""
import time

import pytest

from tests.Distributed.mpirun import RANKS, runMpi


@pytest.mark.parametrize("ranks", RANKS)
def test_a_rank_raising_ends_the_job(ranks):
	start = time.monotonic()
	result = runMpi(ranks, "raises.py", timeout=30)  # a hang raises TimeoutExpired and fails the test
	assert time.monotonic() - start < 30
	assert result.returncode != 0
	assert "RuntimeError: deliberate failure on rank %d in step 2" % (ranks - 1) in result.stderr
	assert "rank %d of %d: uncaught RuntimeError" % (ranks - 1, ranks) in result.stderr
	assert "finished" not in result.stdout
