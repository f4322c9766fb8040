"""Kernels used by more than one part of the framework, declared once here (no public classes).

accumulate: out += x (Add sums its inputs, Replicate the gradients of its copies);
add: out = a + b (Graph sums the gradients of a node read by several consumers);
copy: dst = src (Calculator gathers predictions into one array; any same-dtype device copy).
"""
from framework.Backend.Kernels import ElementwiseKernel

accumulate = ElementwiseKernel("T *out, const T *x", "out[i] += x[i]", "sharedAccumulate")

add = ElementwiseKernel("T *out, const T *a, const T *b", "out[i] = a[i] + b[i]", "sharedAdd")

copy = ElementwiseKernel("T *dst, const T *src", "dst[i] = src[i]", "sharedCopy")
