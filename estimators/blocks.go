package estimators

import (
	"sync"

	"gonum.org/v1/gonum/blas/blas64"
)

// blockSums holds the per-block partial sums of a log-likelihood that is
// evaluated block by block with forBlocks: each block's ℓ, gradient (p)
// and −Hessian (p×p, upper triangle). reduce adds them in block order, so
// that an evaluation does not depend on the number of goroutines.
type blockSums struct {
	p   int
	lls []float64
	gs  []float64
	hs  []float64
}

func newBlockSums(n, p int) blockSums {
	nb := (n + blockRows - 1) / blockRows
	return blockSums{p: p, lls: make([]float64, nb), gs: make([]float64, nb*p), hs: make([]float64, nb*p*p)}
}

// block returns block b's gradient and −Hessian sums, cleared.
func (s *blockSums) block(b int) (gb, hb []float64) {
	p, pp := s.p, s.p*s.p
	gb, hb = s.gs[b*p:(b+1)*p], s.hs[b*pp:(b+1)*pp]
	clear(gb)
	clear(hb)
	return gb, hb
}

// reduce writes the sum of the blocks' gradients to g and of their
// −Hessians to negH (the lower triangle filled from the upper one), and
// returns the sum of their log-likelihoods.
func (s *blockSums) reduce(g, negH []float64) float64 {
	p, pp := s.p, s.p*s.p
	clear(g)
	clear(negH)
	var ll float64
	for b, lb := range s.lls {
		ll += lb
		for j, v := range s.gs[b*p : (b+1)*p] {
			g[j] += v
		}
		for j, v := range s.hs[b*pp : (b+1)*pp] {
			negH[j] += v
		}
	}
	fillLower(negH, p)
	return ll
}

// idxBlocks is the evaluation memory of a log-likelihood in two linear
// indices, cᵢ = zᵢ'γ and eᵢ = xᵢ'β, with θ = (γ, β, …) (bvModel,
// bpModel, hopModel): the block sums and a pool of idxScratch.
type idxBlocks struct {
	blockSums
	kz, kx int
	pool   sync.Pool
}

// idxScratch is the working memory of one block: its z and x
// column-major (x zero on rows without the second index) and each row's
// second derivatives w1 = ∂²ℓᵢ/∂c², w2 = ∂²ℓᵢ/∂c∂e, w3 = ∂²ℓᵢ/∂e².
type idxScratch struct {
	zc, xc     []float64
	w1, w2, w3 []float64
	tmp        []float64
}

func (ib *idxBlocks) init(n, p, kz, kx int) {
	ib.blockSums = newBlockSums(n, p)
	ib.kz, ib.kx = kz, kx
	bs := min(n, blockRows) // no block is longer
	ib.pool.New = func() any {
		return &idxScratch{
			zc: make([]float64, kz*bs), xc: make([]float64, kx*bs),
			w1: make([]float64, bs), w2: make([]float64, bs), w3: make([]float64, bs),
			tmp: make([]float64, bs),
		}
	}
}

// subCross subtracts the index parts of the block's Hessian,
// Σᵣ w1ᵣzᵣzᵣ', Σᵣ w2ᵣzᵣxᵣ' and Σᵣ w3ᵣxᵣxᵣ', from the upper triangle of
// the γγ', γβ' and ββ' blocks of hb (p×p, −H), by weighted column dot
// products over the block's rows.
func (ib *idxBlocks) subCross(sc *idxScratch, hb []float64, rows int) {
	kz, kx, p := ib.kz, ib.kx, ib.p
	vec := func(s []float64) blas64.Vector { return blas64.Vector{N: rows, Inc: 1, Data: s[:rows]} }
	tmp := sc.tmp[:rows]
	for u := 0; u < kz; u++ {
		zu := sc.zc[u*rows : (u+1)*rows]
		for i, v := range zu {
			tmp[i] = sc.w1[i] * v
		}
		for v := u; v < kz; v++ {
			hb[u*p+v] -= blas64.Dot(vec(tmp), vec(sc.zc[v*rows:]))
		}
		for i, v := range zu {
			tmp[i] = sc.w2[i] * v
		}
		for v := 0; v < kx; v++ {
			hb[u*p+kz+v] -= blas64.Dot(vec(tmp), vec(sc.xc[v*rows:]))
		}
	}
	for u := 0; u < kx; u++ {
		xu := sc.xc[u*rows : (u+1)*rows]
		for i, v := range xu {
			tmp[i] = sc.w3[i] * v
		}
		for v := u; v < kx; v++ {
			hb[(kz+u)*p+kz+v] -= blas64.Dot(vec(tmp), vec(sc.xc[v*rows:]))
		}
	}
}
