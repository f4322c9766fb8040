from setuptools import find_packages, setup

setup(
	name="framework",
	version="0.1.0",
	description="A PuzzleLib-style deep-learning training framework: one kernel source for CUDA (PyCUDA) and CPU",
	long_description=open("README.md").read(),
	long_description_content_type="text/markdown",
	packages=find_packages(include=["framework", "framework.*"]),
	# C sources the CPU backend compiles at run time; the text the sequence examples train on
	package_data={"framework.Backend.Cpu": ["*.c"], "framework.Datasets": ["data/*.txt"]},
	python_requires=">=3.10",
	install_requires=["numpy>=1.22", "h5py>=3.0"],
	extras_require={
		"test": ["pytest>=7", "hypothesis>=6"],
		"examples": ["scikit-learn>=1.0", "matplotlib>=3.5", "tqdm>=4.60"],
		"docs": ["mkdocs>=1.5", "mkdocs-material>=9.0"],
		"cuda": ["pycuda>=2022.1", "scikit-cuda>=0.5.3"],
		# OpenBLAS for the CPU's largest products (accumulating into the output); without it numpy's matmul does them
		"blas": ["scipy-openblas64>=0.3.27"],
		# Data-parallel training (framework.Distributed): mpi4py, and MPICH from the package index for a working mpiexec
		"mpi": ["mpi4py>=4.0", "mpich"],
		# exportOnnx writes ONNX files (onnx); the tests run them with ONNX Runtime against our forward pass
		"onnx": ["onnx>=1.14", "onnxruntime>=1.16"],
	},
	entry_points={"console_scripts": ["framework=framework.__main__:main"]},
)
