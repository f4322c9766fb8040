"""The cuBLAS lookup that lets scikit-cuda 0.5.3 load CUDA 12/13; its path logic is testable without a GPU."""
import ctypes
import importlib.util


spec = importlib.util.spec_from_file_location("CublasLoader", "framework/Backend/Cuda/CublasLoader.py")
CublasLoader = importlib.util.module_from_spec(spec)
spec.loader.exec_module(CublasLoader)


def test_findsNewestVersionedLibrary(tmp_path):
	for name in ("libcublas.so.11", "libcublas.so.12", "libcublas.so.12.4.5", "libcublasLt.so.12"):
		(tmp_path / name).write_text("")
	assert CublasLoader.findLibrary("libcublas.so", [str(tmp_path)]) == str(tmp_path / "libcublas.so.12.4.5")


def test_prefersUnversionedNameAndEarlierDirectory(tmp_path):
	first, second = tmp_path / "a", tmp_path / "b"
	first.mkdir(), second.mkdir()
	(first / "libcublas.so.13").write_text("")
	(second / "libcublas.so").write_text("")
	assert CublasLoader.findLibrary("libcublas.so", [str(first), str(second)]) == str(first / "libcublas.so.13")
	assert CublasLoader.findLibrary("libcudart.so", [str(first), str(second)]) is None


def test_pipPackageDirectoriesAreSearched(tmp_path, monkeypatch):
	lib = tmp_path / "nvidia" / "cublas" / "lib"
	lib.mkdir(parents=True)
	monkeypatch.setattr("sys.path", [str(tmp_path)])
	monkeypatch.delenv("CUDA_HOME", raising=False)
	assert str(lib) in CublasLoader.searchDirs()


def test_redirectedLoadsMapsOldNamesToFoundPaths(monkeypatch):
	seen = []
	monkeypatch.setattr(ctypes.cdll, "LoadLibrary", lambda name: seen.append(name) or name)
	with CublasLoader.redirectedLoads({"libcublas.so": "/opt/cuda/libcublas.so.12", "libcudart.so": None}):
		assert ctypes.cdll.LoadLibrary("libcublas.so") == "/opt/cuda/libcublas.so.12"
		assert ctypes.cdll.LoadLibrary("libcublas.so.9.2") == "/opt/cuda/libcublas.so.12"
		assert ctypes.cdll.LoadLibrary("libcudart.so") == "libcudart.so"
		assert ctypes.cdll.LoadLibrary("libcublasLt.so") == "libcublasLt.so"
	assert ctypes.cdll.LoadLibrary("libcublas.so") == "libcublas.so"
