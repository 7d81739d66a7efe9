package estimators

import "math"

// bpModel is the log-likelihood shared by the bivariate probit models
// (BiProbit, HeckProbit): a first probit index cᵢ = zᵢ'γ, a second
// eᵢ = xᵢ'β, (u, ε) standard bivariate normal with correlation ρ = tanh α,
// maximised over θ = (γ, β, α). A "joint" row with signs q₁, q₂ = ±1 (the
// two observed binary outcomes as 2y − 1) contributes
//
//	ℓᵢ = log Φ₂(Aᵢ, Bᵢ; Rᵢ),  A = q₁c, B = q₂e, R = q₁q₂ρ,
//
// and a "probit-only" row (q₂ = 0: HeckProbit's unselected rows)
// contributes log Φ(q₁cᵢ).
//
// Derivatives are analytic. With P = Φ₂(A, B; R), s² = 1 − R² and
// Q = A² − 2RAB + B², the first derivatives of log P are
//
//	ℓ_A = φ(A)Φ((B − RA)/s)/P,  ℓ_B = φ(B)Φ((A − RB)/s)/P,  ℓ_R = φ₂(A, B; R)/P,
//
// each formed as the exponential of a difference of logarithms so that
// they stay finite in the tails, and the second derivatives (from
// ∂²P/∂A² = −AP_A − Rφ₂, ∂²P/∂A∂B = φ₂, ∂φ₂/∂A = −φ₂(A − RB)/s²,
// ∂φ₂/∂R = φ₂(R/s² + AB/s² − RQ/s⁴); Greene, Econometric Analysis,
// "Bivariate probit")
//
//	ℓ_AA = −Aℓ_A − Rℓ_R − ℓ_A²,  ℓ_BB = −Bℓ_B − Rℓ_R − ℓ_B²,  ℓ_AB = ℓ_R − ℓ_Aℓ_B,
//	ℓ_AR = −ℓ_R(A − RB)/s² − ℓ_Aℓ_R,  ℓ_BR = −ℓ_R(B − RA)/s² − ℓ_Bℓ_R,
//	ℓ_RR = ℓ_R(R + AB − RQ/s²)/s² − ℓ_R².
//
// They are carried to θ by the chain rule with ∂A/∂γ = q₁z, ∂B/∂β = q₂x,
// ∂R/∂α = q₁q₂(1 − ρ²), ∂²R/∂α² = −2q₁q₂ρ(1 − ρ²).
type bpModel struct {
	n      int
	z      []float64 // Z raw data, row stride zs
	zs     int
	x      []float64 // X raw data, row stride xs
	xs     int
	q1, q2 []int8 // per row; q2[i] = 0 marks a probit-only row
	idxBlocks
}

func newBPModel(n, kz int, z []float64, zs int, x []float64, xs, kx int, q1, q2 []int8) *bpModel {
	m := &bpModel{n: n, z: z, zs: zs, x: x, xs: xs, q1: q1, q2: q2}
	m.init(n, kz+kx+1, kz, kx)
	return m
}

func (m *bpModel) dim() int { return m.kz + m.kx + 1 }

// bpPar are the functions of θ that every row uses.
type bpPar struct {
	gam, beta []float64
	rho, D    float64 // ρ = tanh α, D = dρ/dα = 1 − ρ²
	cp, cm    bvn     // Φ₂ constants for R = +ρ and R = −ρ
}

func (m *bpModel) par(theta []float64) bpPar {
	rho := math.Tanh(theta[m.p-1])
	return bpPar{gam: theta[:m.kz], beta: theta[m.kz : m.kz+m.kx], rho: rho, D: 1 - rho*rho,
		cp: newBVN(rho), cm: newBVN(-rho)}
}

// bpRow is row i's log-likelihood and its second derivatives in the
// indices c = z'γ, e = x'β and α: w1 = ℓ_cc, w2 = ℓ_ce, w3 = ℓ_ee,
// ca = ℓ_cα, ea = ℓ_eα, aa = ℓ_αα (all zero but w1 on a probit-only row).
type bpRow struct {
	ll, w1, w2, w3, ca, ea, aa float64
}

// row returns row i's terms (see bpModel) and adds its score ∂ℓᵢ/∂θ to
// dst.
func (m *bpModel) row(pr *bpPar, i int, dst []float64) bpRow {
	kz := m.kz
	zi := m.z[i*m.zs : i*m.zs+kz]
	var c float64
	for j, v := range zi {
		c += v * pr.gam[j]
	}
	f1 := float64(m.q1[i])
	if m.q2[i] == 0 {
		t := f1 * c
		lp, lam := logPhiMills(t)
		for j, v := range zi {
			dst[j] += f1 * lam * v
		}
		return bpRow{ll: lp, w1: -lam * (t + lam)}
	}
	f2 := float64(m.q2[i])
	xi := m.x[i*m.xs : i*m.xs+m.kx]
	var e float64
	for j, v := range xi {
		e += v * pr.beta[j]
	}
	f12 := f1 * f2
	bv := &pr.cp
	if f12 < 0 {
		bv = &pr.cm
	}
	A, B, R := f1*c, f2*e, bv.r
	is2 := bv.invS2
	lp := bv.logCDF(A, B)
	lA := math.Exp(-A*A/2 - logSqrt2Pi + logNormCDF((B-R*A)*bv.s*is2) - lp)
	lB := math.Exp(-B*B/2 - logSqrt2Pi + logNormCDF((A-R*B)*bv.s*is2) - lp)
	lR := math.Exp(bv.logPDF(A, B) - lp)
	Q := A*A - 2*R*A*B + B*B
	lAR := -lR*(A-R*B)*is2 - lA*lR
	lBR := -lR*(B-R*A)*is2 - lB*lR
	lRR := lR*(R+A*B-R*Q*is2)*is2 - lR*lR
	for j, v := range zi {
		dst[j] += f1 * lA * v
	}
	for j, v := range xi {
		dst[kz+j] += f2 * lB * v
	}
	dst[m.p-1] += f12 * pr.D * lR
	return bpRow{
		ll: lp,
		w1: -A*lA - R*lR - lA*lA,
		w2: f12 * (lR - lA*lB),
		w3: -B*lB - R*lR - lB*lB,
		ca: f2 * pr.D * lAR,
		ea: f1 * pr.D * lBR,
		aa: pr.D*pr.D*lRR - 2*pr.rho*pr.D*f12*lR,
	}
}

// eval computes ℓ(θ), writes ∇ℓ to g and −∇²ℓ (full p×p) to negH, and
// returns ℓ.
func (m *bpModel) eval(theta, g, negH []float64) float64 {
	kz, kx, p := m.kz, m.kx, m.p
	ia := p - 1
	pr := m.par(theta)
	forBlocks(m.n, func(b, lo, hi int) {
		sc := m.pool.Get().(*idxScratch)
		defer m.pool.Put(sc)
		gb, hb := m.block(b)
		rows := hi - lo
		var ll float64
		for i := lo; i < hi; i++ {
			r0 := i - lo
			t := m.row(&pr, i, gb)
			ll += t.ll
			sc.w1[r0], sc.w2[r0], sc.w3[r0] = t.w1, t.w2, t.w3
			for j, v := range m.z[i*m.zs : i*m.zs+kz] {
				sc.zc[j*rows+r0] = v
				hb[j*p+ia] -= t.ca * v
			}
			if m.q2[i] == 0 {
				for j := 0; j < kx; j++ {
					sc.xc[j*rows+r0] = 0
				}
				continue
			}
			for j, v := range m.x[i*m.xs : i*m.xs+kx] {
				sc.xc[j*rows+r0] = v
				hb[(kz+j)*p+ia] -= t.ea * v
			}
			hb[ia*p+ia] -= t.aa
		}
		m.lls[b] = ll
		m.subCross(sc, hb, rows)
	})
	return m.reduce(g, negH)
}

// scorer returns the function that adds row i's score ∂ℓᵢ/∂θ at theta to
// dst (for the cluster-robust covariance).
func (m *bpModel) scorer(theta []float64) func(i int, dst []float64) {
	pr := m.par(theta)
	return func(i int, dst []float64) { m.row(&pr, i, dst) }
}

// rhoAux returns the auxiliary entries of a bivariate fit from α =
// atanh ρ and its variance vaa: "athrho" = α with its standard error and
// "rho" = tanh α with the delta-method standard error (1 − ρ²)·SE(α), as
// Stata reports them.
func rhoAux(alpha, vaa float64) []Aux {
	rho := math.Tanh(alpha)
	se := math.Sqrt(vaa)
	return []Aux{
		{Name: "athrho", Estimate: alpha, StdError: se, HasSE: true},
		{Name: "rho", Estimate: rho, StdError: (1 - rho*rho) * se, HasSE: true},
	}
}

// rhoTests returns the tests of ρ = 0 of a bivariate fit, each χ²(1)
// under the null: unless the covariance is clustered (when the likelihood
// ratio has no χ² distribution, as Stata omits it under vce(cluster)),
// "lr_rho0" = 2(ℓ − ℓ₀) with ll0 the maximum under ρ = 0, where the model
// separates into its single equations ("LR test of indep. eqns."); and
// "wald_rho0" = (α/SE(α))² (Stata's "Wald test of rho=0", from whatever
// covariance vaa is, cluster-robust included).
func rhoTests(alpha, vaa, ll, ll0 float64, clustered bool) []ChiSquareTest {
	var t []ChiSquareTest
	if !clustered {
		t = append(t, chiSquareTest("lr_rho0", 2*(ll-ll0), 1))
	}
	return append(t, chiSquareTest("wald_rho0", alpha*alpha/vaa, 1))
}

// bpEquations returns the two equations of a bivariate probit fit.
func bpEquations(fit *mlFit, first string, kz, kx int, zNames, xNames []string) ([]Equation, error) {
	p := kz + kx + 1
	eqZ, err := equation(first, zNames, fit.theta[:kz], subCov(fit.cov, p, 0, kz))
	if err != nil {
		return nil, err
	}
	eqX, err := equation("outcome", xNames, fit.theta[kz:kz+kx], subCov(fit.cov, p, kz, kz+kx))
	if err != nil {
		return nil, err
	}
	return []Equation{eqZ, eqX}, nil
}
