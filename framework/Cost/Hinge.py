"""Multi-class hinge (margin) loss."""
import numpy as np

from framework.Backend import gpuarray
from framework.Backend.Kernels import ElementwiseKernel, ReductionKernel
from framework.Cost.Cost import LabelCost


# Row and label of flat element i of the (N, cols) scores; the macros work in both backends' kernels.
PREAMBLE = """
#define HINGE_ROW(i) ((long)(i) / cols)
#define HINGE_Y(i) labels[HINGE_ROW(i)]
#define HINGE_OK(i) (HINGE_Y(i) >= 0 && HINGE_Y(i) < cols)
#define HINGE_TERM(i) (margin - x[HINGE_ROW(i) * cols + HINGE_Y(i)] + x[i])
"""

hingeError = ReductionKernel(
	np.float64, "0", "a + b",
	"!HINGE_OK(i) ? 0.0 / 0.0 : ((long)(i) % cols == HINGE_Y(i) || HINGE_TERM(i) <= 0.0 ? 0.0 : scale * (double)HINGE_TERM(i))",
	"const T *x, const int *labels, T margin, int cols, double scale", "hingeError", preamble=PREAMBLE
)

hingeGrad = ElementwiseKernel(
	"T *grad, const T *x, const int *labels, T margin, int cols, T scale",
	"""
	long r = i / cols;
	int c = (int)(i - r * cols), y = labels[r];
	if (y < 0 || y >= cols)
		grad[i] = 0.0 / 0.0;
	else
	{
		const T *row = x + r * cols;
		T xy = row[y];
		// A term is active (1) when positive; a NaN term (a NaN score) is NaN, not inactive
		if (c != y)
		{
			T term = margin - xy + x[i];
			grad[i] = term > 0.0 ? scale : (term != term ? term : 0.0);
		}
		else
		{
			T active = 0.0;
			for (int k = 0; k < cols; k++)
			{
				T term = margin - xy + row[k];
				active += k == y ? 0.0 : (term > 0.0 ? 1.0 : (term != term ? term : 0.0));
			}
			grad[i] = -scale * active;
		}
	}
	""",
	"hingeGrad"
)


class Hinge(LabelCost):
	"""Hinge(margin=1.0): L = mean_n sum_{c != y_n} max(0, margin - x_n[y_n] + x_n[c]) / C.

	Scores (N, C), int32 labels (N, ) in [0, C). Equals torch.nn.MultiMarginLoss(p=1, margin=margin,
	reduction="mean") (Weston-Watkins multi-class hinge; with two classes and scores (-f/2, f/2) it is the binary
	hinge max(0, 1 - t f) / 2 on targets t = +-1). validate() gives the argmax error rate.
	"""

	def __init__(self, margin=1.0):
		super().__init__()
		if not isinstance(margin, (int, float)) or isinstance(margin, bool):
			raise ValueError("Hinge: margin must be a number, got %r" % (margin, ))
		self.margin = float(margin)


	def calcError(self, pred, target):
		return hingeError(pred, target, self.margin, pred.shape[1], 1.0 / pred.size)


	def calcGrad(self, pred, target):
		grad = gpuarray.empty_like(pred)
		hingeGrad(grad, pred, target, self.margin, pred.shape[1], 1.0 / pred.size)
		return grad
