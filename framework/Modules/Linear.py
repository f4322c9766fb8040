"""Fully connected layer."""
from framework.Backend import Blas, gpuarray
from framework.Modules import Init
from framework.Modules.Module import Module
from framework.Modules.Utils import checkPositiveInt
from framework.Variable import Variable


class Linear(Module):
	"""y = x @ W + b; x (batch, insize), W (insize, outsize), b (outsize,).

	Linear(insize, outsize, useBias=True, initscheme="xavier", name=None); b starts at zero.
	"""

	def __init__(self, insize, outsize, useBias=True, initscheme="xavier", name=None):
		super().__init__(name)
		self.insize = checkPositiveInt(self.describe(), "insize", insize)
		self.outsize = checkPositiveInt(self.describe(), "outsize", outsize)
		self.useBias = bool(useBias)

		W = Init.initialise(initscheme, (insize, outsize), insize, outsize, self.calctype, self.describe())
		self.setVar("W", Variable(gpuarray.to_gpu(W)))
		if self.useBias:
			self.setVar("b", Variable(gpuarray.zeros((outsize, ), self.calctype)))


	@property
	def W(self):
		return self.vars["W"]


	@property
	def b(self):
		return self.vars.get("b")


	def updateData(self, data):
		return Blas.gemm(data, self.W.data, bias=self.b.data if self.useBias else None)


	def updateGrad(self, grad):
		return Blas.gemm(grad, self.W.data, transpB=True)


	def accGradParams(self, grad):
		Blas.gemm(self.inData, grad, out=self.W.grad, transpA=True, beta=1.0)
		if self.useBias:
			Blas.sumOnMatrix(grad, out=self.b.grad, cols=True, beta=1.0)


	def checkDataShape(self, shape):
		if len(shape) != 2 or shape[1] != self.insize:
			raise self.moduleError("expected input of shape (batch, %d), got %s" % (self.insize, tuple(shape)))


	def dataShapeFrom(self, shape):
		return (shape[0], self.outsize)
