# Reference results for the ordered probit (OProbit) and the endogenous
# switching regression (Switching) of package estimators, computed
# independently in R.
#
#   cd estimators/testdata && Rscript reference_ordswitch.R
#
# needs Debian's r-base-core (with the recommended package MASS),
# r-cran-numderiv and the CRAN package sampleSelection (with maxLik). It
# writes two simulated samples, oprobit_sim.csv and switching_sim.csv (fixed
# seeds), and r_ordswitch.csv, a key,value table of every reference number,
# so the Go tests never need R.
#
# Ordered probit: MASS::polr(method = "probit", Hess = TRUE) with optim's
# reltol tightened to 1e-14 gives the estimates ("polr.*"); polr's standard
# errors come from optim's finite-difference Hessian, so the standard
# errors are also computed ("op.*") from numDeriv's Richardson-extrapolated
# Hessian of a log-likelihood written here from the textbook formula, at
# the Newton-polished optimum of that same function.
#
# Switching regression: sampleSelection::selection(d ~ z, list(y ~ x,
# y ~ x), method = "ml") fits tobit-5 by maxLik ("ss.*"); its first outcome
# equation is the d = 0 regime and its second the d = 1 regime. The
# log-likelihood is written here again in the (γ, β₁, β₀, atanh ρ₁,
# atanh ρ₀, log σ₁, log σ₀) parameterisation of the Go code, polished by
# Newton steps on numDeriv's gradient and Hessian, and its standard errors,
# the delta-method SEs of ρ and σ, and of the treatment effects ATT, ATU and
# ATE (numDeriv jacobian of the effect as a function of θ) are "sw.*". The
# likelihood-ratio and Wald statistics of ρ₁ = ρ₀ = 0 are computed from a
# glm probit plus two lm fits and from numDeriv's covariance. No analytic
# derivative is shared with the Go code.

suppressPackageStartupMessages({
  library(MASS)
  library(numDeriv)
  library(sampleSelection)
})
ref <- list()
put <- function(key, x) ref[[key]] <<- unname(x)
putVec <- function(prefix, v) for (nm in names(v)) put(paste0(prefix, ".", nm), v[[nm]])
fmt <- function(x) sprintf("%.17g", x)
polish <- function(f, th) {
  for (it in 1:30) { # Newton on Richardson-extrapolated derivatives
    g <- numDeriv::grad(f, th); H <- numDeriv::hessian(f, th)
    step <- solve(H, g)
    th <- th - step
    if (max(abs(step)) < 1e-12) break
  }
  th
}

# ---- Ordered probit: a 1–5 satisfaction survey ---------------------------
set.seed(20261201)
n <- 2000
wait <- rexp(n, 1 / 2)             # days waited for the fix
resolved <- rbinom(n, 1, 0.6)       # the problem was resolved
contacts <- rpois(n, 1.5)           # contacts with the service desk
ystar <- -0.3 * wait + 0.9 * resolved - 0.2 * contacts + rnorm(n)
cuts <- c(-1.6, -0.8, 0.0, 0.9)
score <- 1 + findInterval(ystar, cuts)
op <- data.frame(score = score, wait = fmt(wait), resolved = resolved, contacts = contacts)
write.table(op, "oprobit_sim.csv", sep = ",", quote = FALSE, row.names = FALSE)
op <- read.csv("oprobit_sim.csv")
print(table(op$score))

pf <- polr(factor(score) ~ wait + resolved + contacts, data = op, method = "probit",
           Hess = TRUE, control = list(reltol = 1e-14, maxit = 10000))
names(pf$zeta) <- paste0("cut", seq_along(pf$zeta))
vp <- vcov(pf)
sp <- sqrt(diag(vp))
putVec("polr.est", coef(pf))
putVec("polr.cut", pf$zeta)
putVec("polr.se", sp[names(coef(pf))])
putVec("polr.cutse", setNames(sp[-seq_along(coef(pf))], names(pf$zeta)))
put("polr.loglik", as.numeric(logLik(pf)))

X <- as.matrix(op[, c("wait", "resolved", "contacts")])
K <- length(unique(op$score))
opLL <- function(th) {
  b <- th[1:ncol(X)]; k <- c(-Inf, th[ncol(X) + 1:(K - 1)], Inf)
  if (is.unsorted(k, strictly = TRUE)) return(-Inf)
  eta <- drop(X %*% b)
  sum(log(pnorm(k[op$score + 1] - eta) - pnorm(k[op$score] - eta)))
}
th <- polish(opLL, c(coef(pf), pf$zeta))
V <- solve(-numDeriv::hessian(opLL, th))
se <- sqrt(diag(V))
names(th) <- names(se) <- c(colnames(X), names(pf$zeta))
kx <- ncol(X)
putVec("op.est", th[1:kx]); putVec("op.se", se[1:kx])
putVec("op.cut", th[-(1:kx)]); putVec("op.cutse", se[-(1:kx)])
put("op.loglik", opLL(th))
# Average marginal effects on P(y = j), delta method by numDeriv's jacobian.
opAME <- function(th) {
  b <- th[1:kx]; k <- c(-Inf, th[kx + 1:(K - 1)], Inf)
  eta <- drop(X %*% b)
  unlist(lapply(1:K, function(j) b * mean(dnorm(k[j] - eta) - dnorm(k[j + 1] - eta))))
}
ame <- opAME(th)
names(ame) <- paste0(rep(1:K, each = kx), ".", colnames(X))
Ja <- numDeriv::jacobian(opAME, th)
putVec("op.ame.est", ame)
putVec("op.ame.se", setNames(sqrt(diag(Ja %*% V %*% t(Ja))), names(ame)))
cat("oprobit: polr ll", logLik(pf), "polished ll", opLL(th), "max |grad|", max(abs(numDeriv::grad(opLL, th))), "\n")
print(cbind(polr = c(coef(pf), pf$zeta), polr.se = sp, est = th, se = se,
            relse = sp / se - 1), digits = 10)

# ---- Switching regression: tobit-5 ------------------------------------------
set.seed(20261202)
n <- 2000
x1 <- rnorm(n); x2 <- rbinom(n, 1, 0.5); z1 <- rnorm(n)
u <- rnorm(n); v1 <- rnorm(n); v0 <- rnorm(n)
s1 <- 1.0; r1 <- 0.5; s0 <- 1.5; r0 <- -0.3
d <- as.integer(0.1 + 0.5 * x1 + 0.8 * z1 + u > 0)
y1 <- 2 + 1.0 * x1 + 0.5 * x2 + s1 * (r1 * u + sqrt(1 - r1^2) * v1)
y0 <- 1 + 0.4 * x1 + 0.3 * x2 + s0 * (r0 * u + sqrt(1 - r0^2) * v0)
yy <- ifelse(d == 1, y1, y0)
sw <- data.frame(y = fmt(yy), d = d, x1 = fmt(x1), x2 = x2, z1 = fmt(z1))
write.table(sw, "switching_sim.csv", sep = ",", quote = FALSE, row.names = FALSE)
sw <- read.csv("switching_sim.csv")
cat("switching: n1 =", sum(sw$d), "of", nrow(sw), "\n")

ss <- selection(d ~ x1 + z1, list(y ~ x1 + x2, y ~ x1 + x2), data = sw, method = "ml",
                iterlim = 500, tol = 1e-14, reltol = 1e-14)
print(summary(ss))
cs <- coef(ss); vs <- vcov(ss)
print(names(cs))
Z <- cbind("(Intercept)" = 1, x1 = sw$x1, z1 = sw$z1)
X <- cbind("(Intercept)" = 1, x1 = sw$x1, x2 = sw$x2)
kz <- ncol(Z); kx <- ncol(X)
# sampleSelection's order: γ, β(d=0), sigma1, rho1, β(d=1), sigma2, rho2.
iG <- 1:kz; iB0 <- kz + 1:kx; iS0 <- kz + kx + 1; iR0 <- kz + kx + 2
iB1 <- kz + kx + 2 + 1:kx; iS1 <- 2 * kx + kz + 3; iR1 <- 2 * kx + kz + 4
sss <- sqrt(diag(vs))
putVec("ss.sel.est", setNames(cs[iG], colnames(Z))); putVec("ss.sel.se", setNames(sss[iG], colnames(Z)))
putVec("ss.out1.est", setNames(cs[iB1], colnames(X))); putVec("ss.out1.se", setNames(sss[iB1], colnames(X)))
putVec("ss.out0.est", setNames(cs[iB0], colnames(X))); putVec("ss.out0.se", setNames(sss[iB0], colnames(X)))
putVec("ss.aux.est", c(sigma1 = cs[[iS1]], sigma0 = cs[[iS0]], rho1 = cs[[iR1]], rho0 = cs[[iR0]]))
putVec("ss.aux.se", c(sigma1 = sss[[iS1]], sigma0 = sss[[iS0]], rho1 = sss[[iR1]], rho0 = sss[[iR0]]))
put("ss.loglik", as.numeric(logLik(ss)))

# θ = (γ, β₁, β₀, atanh ρ₁, atanh ρ₀, log σ₁, log σ₀), the Go order.
d1 <- sw$d == 1
swLL <- function(th) {
  g <- th[1:kz]; b1 <- th[kz + 1:kx]; b0 <- th[kz + kx + 1:kx]
  p <- 2 * kx + kz
  rho1 <- tanh(th[p + 1]); rho0 <- tanh(th[p + 2]); sg1 <- exp(th[p + 3]); sg0 <- exp(th[p + 4])
  c <- drop(Z %*% g)
  e1 <- (sw$y - drop(X %*% b1)) / sg1
  e0 <- (sw$y - drop(X %*% b0)) / sg0
  sum(ifelse(d1,
             pnorm((c + rho1 * e1) / sqrt(1 - rho1^2), log.p = TRUE) + dnorm(e1, log = TRUE) - log(sg1),
             pnorm(-(c + rho0 * e0) / sqrt(1 - rho0^2), log.p = TRUE) + dnorm(e0, log = TRUE) - log(sg0)))
}
th0 <- c(cs[iG], cs[iB1], cs[iB0], atanh(cs[iR1]), atanh(cs[iR0]), log(cs[iS1]), log(cs[iS0]))
cat("switching: own ll at sampleSelection's estimate", swLL(th0), "sampleSelection", logLik(ss), "\n")
th <- polish(swLL, unname(th0))
V <- solve(-numDeriv::hessian(swLL, th))
se <- sqrt(diag(V))
p <- length(th)
putVec("sw.sel.est", setNames(th[iG], colnames(Z))); putVec("sw.sel.se", setNames(se[iG], colnames(Z)))
putVec("sw.out1.est", setNames(th[kz + 1:kx], colnames(X))); putVec("sw.out1.se", setNames(se[kz + 1:kx], colnames(X)))
putVec("sw.out0.est", setNames(th[kz + kx + 1:kx], colnames(X))); putVec("sw.out0.se", setNames(se[kz + kx + 1:kx], colnames(X)))
aux <- function(t) c(athrho1 = t[1], athrho0 = t[2], lnsigma1 = t[3], lnsigma0 = t[4],
                     rho1 = tanh(t[1]), rho0 = tanh(t[2]), sigma1 = exp(t[3]), sigma0 = exp(t[4]))
ia <- p - 3:0
J <- numDeriv::jacobian(aux, th[ia])
putVec("sw.aux.est", aux(th[ia]))
putVec("sw.aux.se", setNames(sqrt(diag(J %*% V[ia, ia] %*% t(J))), names(aux(th[ia]))))
put("sw.loglik", swLL(th))
cat("switching: polished ll", swLL(th), "max |grad|", max(abs(numDeriv::grad(swLL, th))), "\n")

effects <- function(th) {
  g <- th[1:kz]; b1 <- th[kz + 1:kx]; b0 <- th[kz + kx + 1:kx]
  rho1 <- tanh(th[p - 3]); rho0 <- tanh(th[p - 2]); sg1 <- exp(th[p - 1]); sg0 <- exp(th[p])
  c <- drop(Z %*% g)
  dx <- drop(X %*% (b1 - b0))
  k <- sg1 * rho1 - sg0 * rho0
  c(att = mean(dx[d1] + k * dnorm(c[d1]) / pnorm(c[d1])),
    atu = mean(dx[!d1] - k * dnorm(c[!d1]) / pnorm(-c[!d1])),
    ate = mean(dx))
}
Je <- numDeriv::jacobian(effects, th)
putVec("sw.eff.est", effects(th))
putVec("sw.eff.se", setNames(sqrt(diag(Je %*% V %*% t(Je))), names(effects(th))))
print(rbind(est = effects(th), se = sqrt(diag(Je %*% V %*% t(Je)))), digits = 10)

# Independent equations (ρ₁ = ρ₀ = 0): probit + two normal regressions.
gp <- glm(d ~ x1 + z1, family = binomial(link = "probit"), data = sw,
          control = glm.control(epsilon = 1e-15, maxit = 100))
llN <- function(f) { r <- residuals(f); m <- length(r); -m / 2 * (log(2 * pi * sum(r^2) / m) + 1) }
llI <- as.numeric(logLik(gp)) + llN(lm(y ~ x1 + x2, data = sw[d1, ])) + llN(lm(y ~ x1 + x2, data = sw[!d1, ]))
put("sw.loglik_indep", llI)
put("sw.lr", 2 * (swLL(th) - llI))
a <- th[p - 3:2]
put("sw.wald", drop(t(a) %*% solve(V[p - 3:2, p - 3:2]) %*% a))
cat("LR", 2 * (swLL(th) - llI), "Wald", drop(t(a) %*% solve(V[p - 3:2, p - 3:2]) %*% a), "\n")

# Agreement of sampleSelection with the own fit.
cmp <- cbind(ss = c(cs[iG], cs[iB1], cs[iB0], cs[iR1], cs[iR0], cs[iS1], cs[iS0]),
             own = c(th[1:(p - 4)], tanh(th[p - 3:2]), exp(th[p - 1:0])),
             ss.se = c(sss[c(iG, iB1, iB0, iR1, iR0, iS1, iS0)]),
             own.se = c(se[1:(p - 4)], unlist(ref[paste0("sw.aux.se.", c("rho1", "rho0", "sigma1", "sigma0"))])))
print(cbind(cmp, rel.est = cmp[, 1] / cmp[, 2] - 1, rel.se = cmp[, 3] / cmp[, 4] - 1), digits = 10)

# ---- Switching with different regressors: x2 only in regime 1 --------------
# ("sw2": sampleSelection's estimates and SEs, the effects by numDeriv on
# the hand-written likelihood with X₁ = (1, x1, x2), X₀ = (1, x1)).
ss2 <- selection(d ~ x1 + z1, list(y ~ x1, y ~ x1 + x2), data = sw, method = "ml",
                 iterlim = 500, tol = 1e-14, reltol = 1e-14)
c2 <- coef(ss2); s2 <- sqrt(diag(vcov(ss2)))
X1 <- X; X0 <- X[, 1:2]; k1 <- ncol(X1); k0 <- ncol(X0)
# sampleSelection's order: γ, β(d=0), sigma1, rho1, β(d=1), sigma2, rho2.
j0 <- kz + 1:k0; j1 <- kz + k0 + 2 + 1:k1
jS0 <- kz + k0 + 1; jR0 <- kz + k0 + 2; jS1 <- kz + k0 + k1 + 3; jR1 <- kz + k0 + k1 + 4
swLL2 <- function(th) {
  g <- th[1:kz]; b1 <- th[kz + 1:k1]; b0 <- th[kz + k1 + 1:k0]
  q <- kz + k1 + k0
  rho1 <- tanh(th[q + 1]); rho0 <- tanh(th[q + 2]); sg1 <- exp(th[q + 3]); sg0 <- exp(th[q + 4])
  c <- drop(Z %*% g)
  e1 <- (sw$y - drop(X1 %*% b1)) / sg1
  e0 <- (sw$y - drop(X0 %*% b0)) / sg0
  sum(ifelse(d1,
             pnorm((c + rho1 * e1) / sqrt(1 - rho1^2), log.p = TRUE) + dnorm(e1, log = TRUE) - log(sg1),
             pnorm(-(c + rho0 * e0) / sqrt(1 - rho0^2), log.p = TRUE) + dnorm(e0, log = TRUE) - log(sg0)))
}
th2 <- polish(swLL2, unname(c(c2[iG], c2[j1], c2[j0], atanh(c2[jR1]), atanh(c2[jR0]), log(c2[jS1]), log(c2[jS0]))))
V2 <- solve(-numDeriv::hessian(swLL2, th2))
p2 <- length(th2)
effects2 <- function(th) {
  g <- th[1:kz]; b1 <- th[kz + 1:k1]; b0 <- th[kz + k1 + 1:k0]
  rho1 <- tanh(th[p2 - 3]); rho0 <- tanh(th[p2 - 2]); sg1 <- exp(th[p2 - 1]); sg0 <- exp(th[p2])
  c <- drop(Z %*% g)
  dx <- drop(X1 %*% b1 - X0 %*% b0)
  k <- sg1 * rho1 - sg0 * rho0
  c(att = mean(dx[d1] + k * dnorm(c[d1]) / pnorm(c[d1])),
    atu = mean(dx[!d1] - k * dnorm(c[!d1]) / pnorm(-c[!d1])),
    ate = mean(dx))
}
Je2 <- numDeriv::jacobian(effects2, th2)
putVec("sw2.sel.est", setNames(c2[iG], colnames(Z))); putVec("sw2.sel.se", setNames(s2[iG], colnames(Z)))
putVec("sw2.out1.est", setNames(c2[j1], colnames(X1))); putVec("sw2.out1.se", setNames(s2[j1], colnames(X1)))
putVec("sw2.out0.est", setNames(c2[j0], colnames(X0))); putVec("sw2.out0.se", setNames(s2[j0], colnames(X0)))
putVec("sw2.aux.est", c(sigma1 = c2[[jS1]], sigma0 = c2[[jS0]], rho1 = c2[[jR1]], rho0 = c2[[jR0]]))
putVec("sw2.aux.se", c(sigma1 = s2[[jS1]], sigma0 = s2[[jS0]], rho1 = s2[[jR1]], rho0 = s2[[jR0]]))
put("sw2.loglik", as.numeric(logLik(ss2)))
putVec("sw2.eff.est", effects2(th2))
putVec("sw2.eff.se", setNames(sqrt(diag(Je2 %*% V2 %*% t(Je2))), names(effects2(th2))))
cat("switching, x2 only in regime 1: sampleSelection ll", logLik(ss2), "own", swLL2(th2),
    "max |Δθ|", max(abs(th2[1:(p2 - 4)] - c(c2[iG], c2[j1], c2[j0]))), "\n")
print(rbind(est = effects2(th2), se = sqrt(diag(Je2 %*% V2 %*% t(Je2)))), digits = 10)

out <- data.frame(key = names(ref), value = sprintf("%.17g", unlist(ref)))
write.csv(out, "r_ordswitch.csv", row.names = FALSE, quote = FALSE)
cat(nrow(out), "reference values written\n")
