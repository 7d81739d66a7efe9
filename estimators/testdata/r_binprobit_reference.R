# Reference results for HeckProbit and BiProbit (estimators/heckprobit.go,
# estimators/biprobit.go), computed independently in R.
#
#   cd estimators/testdata && Rscript r_binprobit_reference.R > r_binprobit_reference.csv
#
# needs sampleSelection (with maxLik, mvtnorm), pbivnorm and numDeriv. It
# writes heckprobit_sim.csv and biprobit_sim.csv (simulated, n = 2000,
# fixed seeds) and prints key,value rows.
#
# HeckProbit: sampleSelection::selection(method = "ml") with a binary
# outcome (its tobit2Bfit: Φ₂ by mvtnorm::pmvnorm, analytic per-row
# gradient), maximised by Newton–Raphson (maxMethod = "NR", tolerances
# tightened) so that the covariance is the inverse of maxLik's Hessian (a
# numerical derivative of the analytic gradient) — the default BHHH would
# give the outer-product covariance instead. Keys "hp.ss.*".
# As a second, independent check the same model is also maximised here
# from its textbook likelihood with pbivnorm (optim, then Newton polish on
# numDeriv derivatives), SEs from numDeriv::hessian: keys "hp.own.*".
#
# BiProbit: the recursive bivariate probit likelihood written here with
# pbivnorm, maximised the same way; SEs from numDeriv::hessian in
# (γ, β, δ, atanh ρ); ATE/ATT/ATU as mean differences of Φ(xβ + δ) and
# Φ(xβ) with delta-method SEs from numDeriv::jacobian. Keys "bp.*".
suppressPackageStartupMessages({
  library(sampleSelection); library(pbivnorm); library(numDeriv)
})
fmt <- function(x) sprintf("%.17g", x)
out <- list()
put <- function(key, x) out[[key]] <<- unname(x)
putVec <- function(prefix, v) for (nm in names(v)) put(paste0(prefix, ".", nm), v[[nm]])

# Maximise f from th0: optim BFGS, then Newton steps on Richardson
# derivatives; returns estimates and the numDeriv Hessian.
mlFit <- function(f, th0) {
  o <- optim(th0, f, method = "BFGS",
             control = list(fnscale = -1, reltol = 1e-15, maxit = 10000, ndeps = rep(1e-6, length(th0))))
  th <- o$par
  for (it in 1:30) {
    g <- grad(f, th); H <- hessian(f, th)
    step <- solve(H, g)
    th <- th - step
    if (max(abs(step)) < 1e-12) break
  }
  names(th) <- names(th0)
  list(th = th, H = hessian(f, th), ll = f(th), maxgrad = max(abs(grad(f, th))))
}
lpb <- function(a, b, r) log(pbivnorm(a, b, r))

# ---- HeckProbit ------------------------------------------------------
set.seed(20261201)
n <- 2000
x1 <- rnorm(n); x2 <- rnorm(n); z1 <- rnorm(n); u <- rnorm(n)
e <- 0.6 * u + sqrt(1 - 0.36) * rnorm(n)
s <- as.integer(0.3 + 0.5 * x1 + 0.9 * z1 + u > 0)
y <- as.integer(-0.2 + 0.8 * x1 - 0.5 * x2 + e > 0)
y[s == 0] <- 0 # not observed
write.table(data.frame(s = s, y = y, x1 = fmt(x1), x2 = fmt(x2), z1 = fmt(z1)),
            "heckprobit_sim.csv", sep = ",", quote = FALSE, row.names = FALSE)
hp <- read.csv("heckprobit_sim.csv")
# the outcome must be logical for sampleSelection to fit the binary model
m <- selection(s ~ x1 + z1, y ~ x1 + x2, data = transform(hp, y = y == 1),
               method = "ml", maxMethod = "NR", tol = 0, reltol = 0, gradtol = 1e-12, iterlim = 200)
cf <- coef(m); V <- vcov(m); se <- sqrt(diag(V))
kS <- 3; kO <- 3
putVec("hp.ss.sel.est", cf[1:kS]); putVec("hp.ss.sel.se", se[1:kS])
putVec("hp.ss.out.est", cf[kS + 1:kO]); putVec("hp.ss.out.se", se[kS + 1:kO])
rho <- cf[["rho"]]
put("hp.ss.rho.est", rho); put("hp.ss.rho.se", se[["rho"]])
put("hp.ss.athrho.est", atanh(rho)); put("hp.ss.athrho.se", se[["rho"]] / (1 - rho^2))
put("hp.ss.loglik", as.numeric(logLik(m)))
put("hp.ss.maxgrad", max(abs(m$gradient)))
put("hp.ss.iterations", m$iterations)
# own likelihood
Zs <- cbind("(Intercept)" = 1, x1 = hp$x1, z1 = hp$z1)
Xo <- cbind("(Intercept)" = 1, x1 = hp$x1, x2 = hp$x2)
q <- 2 * hp$y - 1; sel <- hp$s == 1
hpLL <- function(th) {
  g <- th[1:3]; b <- th[4:6]; r <- tanh(th[7])
  c <- drop(Zs %*% g); xb <- drop(Xo %*% b)
  sum(pnorm(-c[!sel], log.p = TRUE)) + sum(lpb(c[sel], q[sel] * xb[sel], q[sel] * r))
}
p0 <- glm(s ~ x1 + z1, family = binomial("probit"), data = hp)
p1 <- glm(y ~ x1 + x2, family = binomial("probit"), data = hp[sel, ])
th0 <- c(coef(p0), coef(p1), 0)
names(th0) <- c(paste0("s.", colnames(Zs)), paste0("o.", colnames(Xo)), "athrho")
f <- mlFit(hpLL, th0)
se <- sqrt(diag(solve(-f$H)))
th <- f$th
putVec("hp.own.sel.est", setNames(th[1:3], colnames(Zs))); putVec("hp.own.sel.se", setNames(se[1:3], colnames(Zs)))
putVec("hp.own.out.est", setNames(th[4:6], colnames(Xo))); putVec("hp.own.out.se", setNames(se[4:6], colnames(Xo)))
put("hp.own.athrho.est", th[7]); put("hp.own.athrho.se", se[7])
put("hp.own.rho.est", tanh(th[7])); put("hp.own.rho.se", (1 - tanh(th[7])^2) * se[7])
put("hp.own.loglik", f$ll)
put("hp.own.ll0", as.numeric(logLik(p0)) + as.numeric(logLik(p1)))
put("hp.own.maxgrad", f$maxgrad)

# ---- BiProbit --------------------------------------------------------
set.seed(20261202)
x1 <- rnorm(n); x2 <- rnorm(n); z1 <- rnorm(n); u <- rnorm(n)
e <- -0.4 * u + sqrt(1 - 0.16) * rnorm(n)
d <- as.integer(-0.2 + 0.4 * x1 + 0.8 * z1 + u > 0)
y <- as.integer(0.1 + 0.6 * x1 - 0.4 * x2 + 0.7 * d + e > 0)
write.table(data.frame(y = y, d = d, x1 = fmt(x1), x2 = fmt(x2), z1 = fmt(z1)),
            "biprobit_sim.csv", sep = ",", quote = FALSE, row.names = FALSE)
bp <- read.csv("biprobit_sim.csv")
Zt <- cbind("(Intercept)" = 1, x1 = bp$x1, z1 = bp$z1)
Xy <- cbind("(Intercept)" = 1, x1 = bp$x1, x2 = bp$x2, treatment = bp$d)
q1 <- 2 * bp$d - 1; q2 <- 2 * bp$y - 1
bpLL <- function(th) {
  g <- th[1:3]; b <- th[4:7]; r <- tanh(th[8])
  sum(lpb(q1 * drop(Zt %*% g), q2 * drop(Xy %*% b), q1 * q2 * r))
}
p0 <- glm(d ~ x1 + z1, family = binomial("probit"), data = bp)
p1 <- glm(y ~ x1 + x2 + d, family = binomial("probit"), data = bp)
th0 <- c(coef(p0), coef(p1), 0)
names(th0) <- c(paste0("t.", colnames(Zt)), paste0("o.", colnames(Xy)), "athrho")
f <- mlFit(bpLL, th0)
V <- solve(-f$H); se <- sqrt(diag(V)); th <- f$th
putVec("bp.sel.est", setNames(th[1:3], colnames(Zt))); putVec("bp.sel.se", setNames(se[1:3], colnames(Zt)))
putVec("bp.out.est", setNames(th[4:7], colnames(Xy))); putVec("bp.out.se", setNames(se[4:7], colnames(Xy)))
put("bp.athrho.est", th[8]); put("bp.athrho.se", se[8])
put("bp.rho.est", tanh(th[8])); put("bp.rho.se", (1 - tanh(th[8])^2) * se[8])
put("bp.loglik", f$ll)
put("bp.ll0", as.numeric(logLik(p0)) + as.numeric(logLik(p1)))
put("bp.maxgrad", f$maxgrad)
# ATT and ATU condition on the treatment (Chiburis, Das & Lokshin 2012):
# E[y(1) − y(0) | d, x, z] = [Φ₂(xβ + δ, qc; qρ) − Φ₂(xβ, qc; qρ)]/Φ(qc).
eff <- function(th) {
  b <- th[4:6]; dl <- th[7]; r <- tanh(th[8])
  xb <- drop(Xy[, 1:3] %*% b); cc <- drop(Zt %*% th[1:3])
  dif <- pnorm(xb + dl) - pnorm(xb)
  t1 <- bp$d == 1
  cond <- function(q) (pbivnorm(xb + dl, q * cc, q * r) - pbivnorm(xb, q * cc, q * r)) / pnorm(q * cc)
  c(ate = mean(dif), att = mean(cond(1)[t1]), atu = mean(cond(-1)[!t1]))
}
J <- jacobian(eff, th)
Ve <- J %*% V %*% t(J)
putVec("bp.eff.est", eff(th)); putVec("bp.eff.se", setNames(sqrt(diag(Ve)), c("ate", "att", "atu")))

cat("key,value\n")
for (k in names(out)) cat(k, ",", fmt(out[[k]]), "\n", sep = "")
