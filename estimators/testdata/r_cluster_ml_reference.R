# Reference cluster-robust standard errors of the maximum-likelihood
# models OProbit, HeckProbit, BiProbit, HeckOProbit and Switching
# (estimators/cluster_ml_test.go), computed independently in R:
#
#   cd estimators/testdata && Rscript r_cluster_ml_reference.R > r_cluster_ml_reference.csv
#
# needs numDeriv, pbivnorm and sandwich. On the simulated samples of
# reference_ordswitch.R, r_binprobit_reference.R and
# r_heckoprobit_reference.R (read, not rewritten), with the clusters
# g(i) = floor(sqrt(i)), i = 0 … n − 1 (45 clusters of sizes 1, 3, 5, …
# for n = 2000), each model's per-observation log-likelihood ℓᵢ(θ) is
# written here from the textbook formula (as in those scripts, no
# derivative shared with the Go code) and
#
#   * θ̂ is R's own estimate from those scripts' reference tables, polished
#     by Newton steps on numDeriv's gradient and Hessian of Σℓᵢ;
#   * the scores sᵢ = ∂ℓᵢ/∂θ are numDeriv::jacobian of the vector (ℓᵢ);
#   * the bread is (−H)⁻¹, H = numDeriv::hessian of Σℓᵢ, and the
#     covariance G/(G−1)·(−H)⁻¹(Σ_g s_g s_g')(−H)⁻¹ (Stata's vce(cluster))
#     — the meat by sandwich::meatCL(type = "HC0", cadjust = FALSE) on the
#     score matrix, checked against rowsum();
#   * transformed parameters (ρ, σ), effects and marginal effects take
#     delta-method SEs from numDeriv::jacobian, and the Wald tests of ρ = 0
#     use the clustered covariance.
#
# Keys: <model>.est.<equation>.<term>, <model>.se.<equation>.<term>,
# <model>.se.aux.<name>, <model>.se.effect.<name>, <model>.test.<name>,
# with the Go equation and parameter names; <model>.clusters is G.
suppressPackageStartupMessages({library(numDeriv); library(pbivnorm); library(sandwich)})
fmt <- function(x) sprintf("%.17g", x)
out <- list()
put <- function(key, x) out[[key]] <<- unname(x)
putVec <- function(prefix, v) for (nm in names(v)) put(paste0(prefix, ".", nm), v[[nm]])
refs <- function(file) {
  r <- read.csv(file, colClasses = c("character", "numeric"))
  setNames(r$value, r$key)
}
clusterOf <- function(n) floor(sqrt(0:(n - 1)))
polish <- function(f, th) {
  for (it in 1:30) {
    step <- solve(hessian(f, th), grad(f, th))
    th <- th - step
    if (max(abs(step)) < 1e-12) break
  }
  th
}
# Cluster-robust ML covariance from the per-observation log-likelihood llv.
clusterVcov <- function(llv, th, cl) {
  f <- function(t) sum(llv(t))
  bread <- solve(-hessian(f, th))
  S <- S_CURRENT <<- jacobian(llv, th)
  U <- rowsum(S, cl)
  G <- nrow(U)
  meat <- crossprod(U)
  # sandwich's meatCL on the scores as an estfun: (1/n)·Σ_g u_g u_g'
  # without adjustment.
  m2 <- meatCL(structure(list(), class = "scoresOnly"), cluster = cl, type = "HC0", cadjust = FALSE)
  stopifnot(max(abs(m2 * nrow(S) - meat)) < 1e-9 * max(abs(meat)))
  list(V = G / (G - 1) * bread %*% meat %*% bread, G = G)
}
S_CURRENT <- NULL # the scores meatCL reads through estfun
registerS3method("estfun", "scoresOnly", function(x, ...) S_CURRENT, envir = asNamespace("sandwich"))
fitCluster <- function(llv, th, cl) {
  th <- polish(function(t) sum(llv(t)), th)
  r <- clusterVcov(llv, th, cl)
  r$th <- th
  r
}
putEq <- function(tag, eq, terms, th, V, idx) {
  putVec(paste0(tag, ".est.", eq), setNames(th[idx], terms))
  putVec(paste0(tag, ".se.", eq), setNames(sqrt(diag(V)[idx]), terms))
}
deltaSE <- function(f, th, V) {
  J <- jacobian(f, th)
  setNames(sqrt(diag(J %*% V %*% t(J))), names(f(th)))
}
lpb <- function(a, b, r) log(pbivnorm(a, b, r))

# ---- OProbit (oprobit_sim.csv) -------------------------------------------
ro <- refs("r_ordswitch.csv")
op <- read.csv("oprobit_sim.csv")
X <- as.matrix(op[, c("wait", "resolved", "contacts")])
K <- length(unique(op$score)); kx <- ncol(X)
opLLv <- function(th) {
  b <- th[1:kx]; k <- c(-Inf, th[kx + 1:(K - 1)], Inf)
  eta <- drop(X %*% b)
  log(pnorm(k[op$score + 1] - eta) - pnorm(k[op$score] - eta))
}
cl <- clusterOf(nrow(op))
th0 <- c(ro[paste0("op.est.", colnames(X))], ro[paste0("op.cut.cut", 1:(K - 1))])
f <- fitCluster(opLLv, unname(th0), cl)
put("op.clusters", f$G)
putEq("op", "outcome", colnames(X), f$th, f$V, 1:kx)
putEq("op", "cutpoints", paste0("cut", 1:(K - 1)), f$th, f$V, kx + 1:(K - 1))
opAME <- function(th) {
  b <- th[1:kx]; k <- c(-Inf, th[kx + 1:(K - 1)], Inf)
  eta <- drop(X %*% b)
  v <- unlist(lapply(1:K, function(j) b * mean(dnorm(k[j] - eta) - dnorm(k[j + 1] - eta))))
  setNames(v, paste0(rep(1:K, each = kx), ".", colnames(X)))
}
ame <- opAME(f$th); se <- deltaSE(opAME, f$th, f$V)
for (j in 1:K) {
  nm <- paste0(j, ".", colnames(X))
  putVec(paste0("op.est.marginal_effects_", j), setNames(ame[nm], colnames(X)))
  putVec(paste0("op.se.marginal_effects_", j), setNames(se[nm], colnames(X)))
}

# ---- HeckProbit (heckprobit_sim.csv) --------------------------------------
rb <- refs("r_binprobit_reference.csv")
hp <- read.csv("heckprobit_sim.csv")
Zs <- cbind("(Intercept)" = 1, x1 = hp$x1, z1 = hp$z1)
Xo <- cbind("(Intercept)" = 1, x1 = hp$x1, x2 = hp$x2)
q <- 2 * hp$y - 1; sel <- hp$s == 1
hpLLv <- function(th) {
  c <- drop(Zs %*% th[1:3]); xb <- drop(Xo %*% th[4:6]); r <- tanh(th[7])
  v <- numeric(nrow(hp))
  v[!sel] <- pnorm(-c[!sel], log.p = TRUE)
  v[sel] <- lpb(c[sel], q[sel] * xb[sel], q[sel] * r)
  v
}
th0 <- c(rb[paste0("hp.own.sel.est.", colnames(Zs))], rb[paste0("hp.own.out.est.", colnames(Xo))], rb[["hp.own.athrho.est"]])
f <- fitCluster(hpLLv, unname(th0), clusterOf(nrow(hp)))
put("hp.clusters", f$G)
putEq("hp", "selection", colnames(Zs), f$th, f$V, 1:3)
putEq("hp", "outcome", colnames(Xo), f$th, f$V, 4:6)
put("hp.se.aux.athrho", sqrt(f$V[7, 7])); put("hp.se.aux.rho", (1 - tanh(f$th[7])^2) * sqrt(f$V[7, 7]))
put("hp.test.wald_rho0", f$th[7]^2 / f$V[7, 7])

# ---- BiProbit (biprobit_sim.csv) ------------------------------------------
bp <- read.csv("biprobit_sim.csv")
Zt <- cbind("(Intercept)" = 1, x1 = bp$x1, z1 = bp$z1)
Xy <- cbind("(Intercept)" = 1, x1 = bp$x1, x2 = bp$x2, treatment = bp$d)
q1 <- 2 * bp$d - 1; q2 <- 2 * bp$y - 1
bpLLv <- function(th) lpb(q1 * drop(Zt %*% th[1:3]), q2 * drop(Xy %*% th[4:7]), q1 * q2 * tanh(th[8]))
th0 <- c(rb[paste0("bp.sel.est.", colnames(Zt))], rb[paste0("bp.out.est.", colnames(Xy))], rb[["bp.athrho.est"]])
f <- fitCluster(bpLLv, unname(th0), clusterOf(nrow(bp)))
put("bp.clusters", f$G)
putEq("bp", "treatment", colnames(Zt), f$th, f$V, 1:3)
putEq("bp", "outcome", colnames(Xy), f$th, f$V, 4:7)
put("bp.se.aux.athrho", sqrt(f$V[8, 8])); put("bp.se.aux.rho", (1 - tanh(f$th[8])^2) * sqrt(f$V[8, 8]))
put("bp.test.wald_rho0", f$th[8]^2 / f$V[8, 8])
bpEff <- function(th) { # ATT, ATU conditional on d (as r_binprobit_reference.R)
  xb <- drop(Xy[, 1:3] %*% th[4:6]); cc <- drop(Zt %*% th[1:3]); r <- tanh(th[8])
  dif <- pnorm(xb + th[7]) - pnorm(xb)
  cond <- function(q) (pbivnorm(xb + th[7], q * cc, q * r) - pbivnorm(xb, q * cc, q * r)) / pnorm(q * cc)
  c(ate = mean(dif), att = mean(cond(1)[bp$d == 1]), atu = mean(cond(-1)[bp$d == 0]))
}
putVec("bp.se.effect", deltaSE(bpEff, f$th, f$V))

# ---- HeckOProbit (heckoprobit_sim.csv) ------------------------------------
rh <- refs("r_heckoprobit_reference.csv")
ho <- read.csv("heckoprobit_sim.csv")
Zh <- cbind("(Intercept)" = 1, x1 = ho$x1, z1 = ho$z1); Xh <- cbind(x1 = ho$x1, x2 = ho$x2)
hsel <- ho$s == 1
hopLLv <- function(th) {
  a <- drop(Zh %*% th[1:3]); xb <- drop(Xh %*% th[4:5]); k <- th[6:7]; r <- tanh(th[8])
  v <- numeric(nrow(ho))
  v[!hsel] <- pnorm(-a[!hsel], log.p = TRUE)
  as <- a[hsel]; xs <- xb[hsel]; yy <- ho$y[hsel]
  up <- c(k, Inf)[yy]; lo <- c(-Inf, k)[yy]
  P <- function(h) ifelse(is.infinite(h), ifelse(h > 0, pnorm(as), 0),
                          pbivnorm(as, ifelse(is.infinite(h), 0, h - xs), -r))
  v[hsel] <- log(P(up) - P(lo))
  v
}
hn <- c("sel.(Intercept)", "sel.x1", "sel.z1", "out.x1", "out.x2", "cut.cut1", "cut.cut2", "athrho")
f <- fitCluster(hopLLv, unname(rh[paste0("hop.est.", hn)]), clusterOf(nrow(ho)))
put("hop.clusters", f$G)
putEq("hop", "selection", colnames(Zh), f$th, f$V, 1:3)
putEq("hop", "outcome", colnames(Xh), f$th, f$V, 4:5)
putEq("hop", "cutpoints", c("cut1", "cut2"), f$th, f$V, 6:7)
put("hop.se.aux.athrho", sqrt(f$V[8, 8])); put("hop.se.aux.rho", (1 - tanh(f$th[8])^2) * sqrt(f$V[8, 8]))
put("hop.test.wald_rho0", f$th[8]^2 / f$V[8, 8])

# ---- Switching (switching_sim.csv) ----------------------------------------
sw <- read.csv("switching_sim.csv")
Z <- cbind("(Intercept)" = 1, x1 = sw$x1, z1 = sw$z1)
X <- cbind("(Intercept)" = 1, x1 = sw$x1, x2 = sw$x2)
kz <- ncol(Z); kx <- ncol(X); d1 <- sw$d == 1
swLLv <- function(th) {
  p <- 2 * kx + kz
  rho1 <- tanh(th[p + 1]); rho0 <- tanh(th[p + 2]); sg1 <- exp(th[p + 3]); sg0 <- exp(th[p + 4])
  c <- drop(Z %*% th[1:kz])
  e1 <- (sw$y - drop(X %*% th[kz + 1:kx])) / sg1
  e0 <- (sw$y - drop(X %*% th[kz + kx + 1:kx])) / sg0
  ifelse(d1,
         pnorm((c + rho1 * e1) / sqrt(1 - rho1^2), log.p = TRUE) + dnorm(e1, log = TRUE) - log(sg1),
         pnorm(-(c + rho0 * e0) / sqrt(1 - rho0^2), log.p = TRUE) + dnorm(e0, log = TRUE) - log(sg0))
}
an <- c("athrho1", "athrho0", "lnsigma1", "lnsigma0")
th0 <- c(ro[paste0("sw.sel.est.", colnames(Z))], ro[paste0("sw.out1.est.", colnames(X))],
         ro[paste0("sw.out0.est.", colnames(X))], ro[paste0("sw.aux.est.", an)])
f <- fitCluster(swLLv, unname(th0), clusterOf(nrow(sw)))
p <- length(f$th); ia <- p - 3:0
put("sw.clusters", f$G)
putEq("sw", "selection", colnames(Z), f$th, f$V, 1:kz)
putEq("sw", "outcome1", colnames(X), f$th, f$V, kz + 1:kx)
putEq("sw", "outcome0", colnames(X), f$th, f$V, kz + kx + 1:kx)
aux <- function(t) c(athrho1 = t[1], athrho0 = t[2], lnsigma1 = t[3], lnsigma0 = t[4],
                     rho1 = tanh(t[1]), rho0 = tanh(t[2]), sigma1 = exp(t[3]), sigma0 = exp(t[4]))
putVec("sw.se.aux", deltaSE(aux, f$th[ia], f$V[ia, ia]))
swEff <- function(th) {
  rho1 <- tanh(th[p - 3]); rho0 <- tanh(th[p - 2]); sg1 <- exp(th[p - 1]); sg0 <- exp(th[p])
  c <- drop(Z %*% th[1:kz])
  dx <- drop(X %*% (th[kz + 1:kx] - th[kz + kx + 1:kx]))
  k <- sg1 * rho1 - sg0 * rho0
  c(att = mean(dx[d1] + k * dnorm(c[d1]) / pnorm(c[d1])),
    atu = mean(dx[!d1] - k * dnorm(c[!d1]) / pnorm(-c[!d1])),
    ate = mean(dx))
}
putVec("sw.se.effect", deltaSE(swEff, f$th, f$V))
a <- f$th[p - 3:2]
put("sw.test.wald_independent", drop(t(a) %*% solve(f$V[p - 3:2, p - 3:2]) %*% a))

cat("key,value\n")
for (k in names(out)) cat(k, ",", fmt(out[[k]]), "\n", sep = "")
