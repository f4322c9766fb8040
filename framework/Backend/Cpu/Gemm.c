/* The CPU gemm: C = alpha * op(A) op(B) + beta * C (+ bias on every row), compiled by Compiler.typedFunction
   with T defined as float or double. Gemm.py explains the design and routes the calls; bench/gemm.py measures it. */
#include <omp.h>

/* Vector width in bytes and rows per tile: MR x 2 accumulators, 2 B vectors and a broadcast must fit the
   register file (32 vector registers with AVX-512, 16 otherwise). */
#if defined(__AVX512F__)
#define FW_VBYTES 64
#define FW_MR 8
#elif defined(__AVX__)
#define FW_VBYTES 32
#define FW_MR 6
#else
#define FW_VBYTES 16
#define FW_MR 6
#endif
#define FW_NV 2                    /* vectors per tile row */
#define FW_KC 256                  /* depth of a packed B strip: KC x NR stays in L1 while a task's tiles use it */
#define FW_SERIAL_MACS (1L << 17)  /* below this a second thread costs more than it saves */
#define FW_DOT_BLOCK 256           /* reduction block of fw_gemmDot */
#define FW_DOT_MIN_K 2048          /* A B^T whose C fits one tile, over at least this long a reduction: fw_gemmDot */

typedef T fw_vec __attribute__((vector_size(FW_VBYTES)));
typedef T fw_uvec __attribute__((vector_size(FW_VBYTES), aligned(sizeof(T)), may_alias));
#define FW_VL ((int)(FW_VBYTES / sizeof(T)))
#define FW_NR (FW_NV * FW_VL)

/* One MR x NR tile of C from a kc-long strip: A(r, p) = a[r * sai + p * sap], B(p, j) = b[p * NR + j] (a packed
   panel). The first strip (useBeta) scales C by beta and adds bias[j] when bias is not NULL; later strips add to
   C. Inlined at each call with constant strides, so each layout of A gets its own loop. */
static inline __attribute__((always_inline)) void fw_tile(int mr, int nr, long kc, const T *a, long sai, long sap,
	const T *b, T *c, long ldc, T alpha, T beta, int useBeta, const T *bias)
{
	fw_vec acc[FW_MR][FW_NV];
	for (int r = 0; r < FW_MR; r++)
		for (int v = 0; v < FW_NV; v++) acc[r][v] = (fw_vec){0};

	for (long p = 0; p < kc; p++)
	{
		fw_vec bv[FW_NV];
		for (int v = 0; v < FW_NV; v++) bv[v] = *(const fw_vec *)(b + p * FW_NR + v * FW_VL);
		for (int r = 0; r < FW_MR; r++)
		{
			T av = a[r * sai + p * sap];
			for (int v = 0; v < FW_NV; v++) acc[r][v] += bv[v] * av;
		}
	}

	if (nr == FW_NR)
	{
		fw_vec biasv[FW_NV];
		for (int v = 0; v < FW_NV; v++)
		{
			biasv[v] = (fw_vec){0};
			if (useBeta && bias) biasv[v] = *(const fw_uvec *)(bias + v * FW_VL);
		}
		for (int r = 0; r < mr; r++)
			for (int v = 0; v < FW_NV; v++)
			{
				fw_uvec *cv = (fw_uvec *)(c + r * ldc + v * FW_VL);
				if (!useBeta) *cv += alpha * acc[r][v];
				else if (beta == 0) *cv = alpha * acc[r][v] + biasv[v];  /* as in BLAS, C's old contents (NaN too) are ignored */
				else *cv = beta * *cv + alpha * acc[r][v] + biasv[v];
			}
		return;
	}

	T tile[FW_MR][FW_NR] __attribute__((aligned(64)));
	for (int r = 0; r < mr; r++)
	{
		for (int v = 0; v < FW_NV; v++) *(fw_vec *)&tile[r][v * FW_VL] = acc[r][v];
		for (int j = 0; j < nr; j++)
		{
			T *cj = c + r * ldc + j;
			T add = useBeta && bias ? bias[j] : 0;
			*cj = !useBeta ? *cj + alpha * tile[r][j] : beta == 0 ? alpha * tile[r][j] + add : beta * *cj + alpha * tile[r][j] + add;
		}
	}
}

/* B(p, j), p in [p0, p0 + kc), j in [j0, j0 + nr) into a kc x NR panel (row p at p * NR), zero past nr. */
static void fw_packB(T *panel, const T *B, long ldb, int transB, long p0, long kc, long j0, int nr)
{
	if (!transB && nr == FW_NR)
	{
		for (long p = 0; p < kc; p++)
			for (int v = 0; v < FW_NV; v++)
				*(fw_vec *)(panel + p * FW_NR + v * FW_VL) = *(const fw_uvec *)(B + (p0 + p) * ldb + j0 + v * FW_VL);
		return;
	}
	for (long p = 0; p < kc; p++)
		for (int j = nr; j < FW_NR; j++) panel[p * FW_NR + j] = 0;
	if (transB)
		for (long p = 0; p < kc; p++)
			for (int j = 0; j < nr; j++) panel[p * FW_NR + j] = B[(j0 + j) * ldb + p0 + p];
	else
		for (long p = 0; p < kc; p++)
			for (int j = 0; j < nr; j++) panel[p * FW_NR + j] = B[(p0 + p) * ldb + j0 + j];
}

/* A(i0 + r, p0 + p) into panel[p * MR + r] for r < mr, zero for the rows past mr. */
static void fw_packA(T *panel, const T *A, long sai, long sap, long i0, int mr, long p0, long kc)
{
	for (long p = 0; p < kc; p++)
		for (int r = 0; r < FW_MR; r++) panel[p * FW_MR + r] = r < mr ? A[(i0 + r) * sai + (p0 + p) * sap] : 0;
}

/* C = alpha * A B^T + beta * C where C fits in one tile and the reduction is long (a convolution's weight
   gradient: 6 x 25 outputs over 36864 columns). The tile path would run it as one task on one thread with most
   lanes empty. Here both operands run contiguously along k, so each output is a vector dot product, and the
   threads split k, each summing into its own partial C, added up in thread order (the result is reproducible
   for a given thread count). */
static void fw_gemmDot(long m, long n, long k, T alpha, const T *A, long lda, const T *B, long ldb, T beta, T *C,
	long ldc, const T *bias, int threads)
{
	T partial[threads][m * n];

	#pragma omp parallel num_threads(threads)
	{
		int t = omp_get_thread_num();
		T *part = partial[t];
		for (long q = 0; q < m * n; q++) part[q] = 0;
		/* blocks of the reduction short enough that the m + n rows' pieces stay in L1 across all m x n dots */
		for (long p0 = k * t / threads, end = k * (t + 1) / threads; p0 < end; p0 += FW_DOT_BLOCK)
		{
			long p1 = p0 + FW_DOT_BLOCK < end ? p0 + FW_DOT_BLOCK : end, vend = p0 + (p1 - p0) / FW_VL * FW_VL;
			for (long i = 0; i < m; i++)
				for (long j = 0; j < n; j++)
				{
					const T *a = A + i * lda, *b = B + j * ldb;
					fw_vec acc = (fw_vec){0};
					for (long p = p0; p < vend; p += FW_VL) acc += *(const fw_uvec *)(a + p) * *(const fw_uvec *)(b + p);
					T sum = 0;
					for (int v = 0; v < FW_VL; v++) sum += acc[v];
					for (long p = vend; p < p1; p++) sum += a[p] * b[p];
					part[i * n + j] += sum;
				}
		}
	}

	for (long i = 0; i < m; i++)
		for (long j = 0; j < n; j++)
		{
			T sum = 0;
			for (int t = 0; t < threads; t++) sum += partial[t][i * n + j];
			T *c = C + i * ldc + j;
			T add = bias ? bias[j] : 0;
			*c = (beta == 0 ? alpha * sum : beta * *c + alpha * sum) + add;  /* beta 0 ignores C's old contents, as BLAS does */
		}
}

/* C (m x n, row-major, ldc) = alpha * op(A) op(B) + beta * C (+ bias[j] on every row when bias is not NULL: a layer's
   bias costs no pass of its own); op(A) is m x k, op(B) is k x n.
   Work is split into column blocks of NR (and row ranges when there are fewer blocks than threads); each task
   packs its strip of B, then runs full row tiles straight from A and the last partial one from a packed copy. */
void fw_gemm(int transA, int transB, long m, long n, long k, T alpha, const T *A, long lda,
	const T *B, long ldb, T beta, T *C, long ldc, const T *bias)
{
	int threads = m * n * k < FW_SERIAL_MACS ? 1 : omp_get_max_threads();
	if (!transA && transB && m <= FW_MR && n <= FW_NR && k >= FW_DOT_MIN_K)
	{
		fw_gemmDot(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, bias, threads);
		return;
	}
	long sai = transA ? 1 : lda, sap = transA ? lda : 1;
	long jblocks = (n + FW_NR - 1) / FW_NR, iblocks = (m + FW_MR - 1) / FW_MR;
	long isplit = 1;
	while (jblocks * isplit < threads && isplit < iblocks) isplit++;
	long tasks = jblocks * isplit;

	#pragma omp parallel num_threads(threads)
	{
		T bpanel[FW_KC * FW_NR] __attribute__((aligned(64))), apanel[FW_KC * FW_MR] __attribute__((aligned(64)));

		#pragma omp for schedule(static)
		for (long task = 0; task < tasks; task++)
		{
			long jb = task / isplit, part = task % isplit;
			long j0 = jb * FW_NR, ib0 = iblocks * part / isplit, ib1 = iblocks * (part + 1) / isplit;
			int nr = n - j0 < FW_NR ? (int)(n - j0) : FW_NR;

			for (long p0 = 0; p0 < k; p0 += FW_KC)
			{
				long kc = k - p0 < FW_KC ? k - p0 : FW_KC;
				fw_packB(bpanel, B, ldb, transB, p0, kc, j0, nr);

				for (long ib = ib0; ib < ib1; ib++)
				{
					long i0 = ib * FW_MR;
					int mr = m - i0 < FW_MR ? (int)(m - i0) : FW_MR;
					T *c = C + i0 * ldc + j0;
					const T *a = A + i0 * sai + p0 * sap, *biasj = bias ? bias + j0 : 0;
					if (mr == FW_MR && sap == 1)
						fw_tile(mr, nr, kc, a, sai, 1, bpanel, c, ldc, alpha, beta, p0 == 0, biasj);
					else if (mr == FW_MR && sai == 1)
						fw_tile(mr, nr, kc, a, 1, sap, bpanel, c, ldc, alpha, beta, p0 == 0, biasj);
					else
					{
						fw_packA(apanel, A, sai, sap, i0, mr, p0, kc);
						fw_tile(mr, nr, kc, apanel, 1, FW_MR, bpanel, c, ldc, alpha, beta, p0 == 0, biasj);
					}
				}
			}
		}
	}

	if (k == 0)  /* no products: C = beta * C (+ bias), as BLAS does */
		for (long i = 0; i < m; i++)
			for (long j = 0; j < n; j++) C[i * ldc + j] = (beta == 0 ? 0 : beta * C[i * ldc + j]) + (bias ? bias[j] : 0);
}
